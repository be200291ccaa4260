#include "nabla/io/image.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nabla/io/atomic_file.h"
#include "nabla/tensor/error.h"

namespace nabla::io {
namespace {

constexpr const char* kOp = "save_image_grid";
// Each side of the PNG, in pixels: far beyond any grid worth looking at, and small enough
// that the pixel buffer's size cannot overflow.
constexpr int64_t kMaxSide = 1 << 15;

uint8_t to_byte(double v) {
  if (!(v > 0)) return 0;  // also NaN
  return static_cast<uint8_t>(std::min(v * 255 + 0.5, 255.0));
}

}  // namespace

void save_image_grid(const std::filesystem::path& path, const Tensor& images, const ImageGridOptions& options) {
  NABLA_CHECK(images.defined(), kOp, "undefined images");
  NABLA_CHECK(images.dim() == 3 || images.dim() == 4, kOp, "images must be [N, C, H, W] or [N, H, W], got shape ",
              images.shape());
  const Tensor batch = images.dim() == 3 ? images.unsqueeze(1) : images;
  const int64_t n = batch.size(0), channels = batch.size(1), height = batch.size(2), width = batch.size(3);
  NABLA_CHECK(channels == 1 || channels == 3, kOp, "images must have 1 (grey) or 3 (RGB) channels, got shape ",
              images.shape());
  NABLA_CHECK(n > 0 && height > 0 && width > 0, kOp, "no pixels to draw in images of shape ", images.shape());
  NABLA_CHECK(options.nrow >= 1, kOp, "nrow must be >= 1, got ", options.nrow);
  NABLA_CHECK(options.padding >= 0, kOp, "padding must be >= 0, got ", options.padding);
  NABLA_CHECK(options.scale >= 1, kOp, "scale must be >= 1, got ", options.scale);
  NABLA_CHECK(options.pad_value >= 0 && options.pad_value <= 1, kOp, "pad_value must be in [0, 1], got ",
              options.pad_value);

  const std::vector<double> values = batch.to_vector<double>();
  double low = options.low, high = options.high;
  if (options.normalize) {
    low = INFINITY;
    high = -INFINITY;
    for (double v : values)
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
    if (!(low < high)) high = low + 1;  // constant (or no finite) images: draw them black
  }
  NABLA_CHECK(std::isfinite(low) && std::isfinite(high) && low < high, kOp,
              "the value range must have finite low < high, got [", low, ", ", high, "]");

  // torchvision's layout: padding around every image, as many columns as nrow allows.
  const int64_t columns = std::min(options.nrow, n), rows = (n + columns - 1) / columns;
  const int64_t cell_h = height + options.padding, cell_w = width + options.padding;
  NABLA_CHECK(rows * cell_h + options.padding <= kMaxSide / options.scale &&
                  columns * cell_w + options.padding <= kMaxSide / options.scale,
              kOp, "a grid of ", rows, " x ", columns, " images of ", height, " x ", width, " pixels, padding ",
              options.padding, ", scale ", options.scale, " is larger than ", kMaxSide, " pixels on a side");
  const int64_t grid_h = (rows * cell_h + options.padding) * options.scale;
  const int64_t grid_w = (columns * cell_w + options.padding) * options.scale;

  std::vector<uint8_t> pixels(static_cast<size_t>(grid_h * grid_w * channels), to_byte(options.pad_value));
  const int64_t s = options.scale;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t top = ((i / columns) * cell_h + options.padding) * s;
    const int64_t left = ((i % columns) * cell_w + options.padding) * s;
    for (int64_t y = 0; y < height * s; ++y)
      for (int64_t x = 0; x < width * s; ++x)
        for (int64_t c = 0; c < channels; ++c) {
          const double v = values[static_cast<size_t>(((i * channels + c) * height + y / s) * width + x / s)];
          pixels[static_cast<size_t>(((top + y) * grid_w + left + x) * channels + c)] =
              to_byte((v - low) / (high - low));
        }
  }

  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(grid_w);
  image.height = static_cast<png_uint_32>(grid_h);
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  // The first call measures, the second encodes.
  png_alloc_size_t size = 0;
  NABLA_CHECK(png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr) != 0, kOp,
              "libpng cannot encode '", path.string(), "': ", image.message);
  std::vector<char> png(size);
  NABLA_CHECK(png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), 0, nullptr) != 0, kOp,
              "libpng cannot encode '", path.string(), "': ", image.message);
  write_atomically(path, [&](std::ostream& out) { out.write(png.data(), static_cast<std::streamsize>(size)); });
}

}  // namespace nabla::io
