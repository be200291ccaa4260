// Image grids written by nabla and read back by libpng, pixel by pixel.
#include "nabla/io/image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nabla/tensor/factory.h"
#include "tests/io/io_testing.h"
#include "tests/png_reader.h"

namespace nabla::io {
namespace {

using testing::expect_error;
using testing::read_png;
using testing::TempDir;

// torchvision's conversion of a value in [0, 1] to a byte.
uint8_t byte_of(double v) { return static_cast<uint8_t>(std::clamp(v * 255 + 0.5, 0.0, 255.0)); }

TEST(ImageGrid, LaysOutGreyImagesWithPaddingAsTorchvisionDoes) {
  TempDir dir;
  // Five 2 x 3 images, pixel (i, y, x) = (6 i + 3 y + x) / 29: every value distinct.
  const Tensor images = arange(30.0, {.dtype = kFloat64}).reshape({5, 2, 3}) / 29.0;
  save_image_grid(dir / "grid.png", images, {.nrow = 3, .padding = 1, .pad_value = 1});
  const testing::Png png = read_png(dir / "grid.png");
  ASSERT_EQ(png.channels, 1u);
  // 3 columns and 2 rows of (3 + 1) x (2 + 1) cells, plus the padding on the far sides.
  ASSERT_EQ(png.width, 13u);
  ASSERT_EQ(png.height, 7u);
  for (uint32_t y = 0; y < png.height; ++y)
    for (uint32_t x = 0; x < png.width; ++x) {
      const uint32_t col = x / 4, row = y / 3, px = x % 4, py = y % 3;
      const uint32_t i = row * 3 + col;
      const bool image = px >= 1 && py >= 1 && i < 5;
      const uint8_t expected = image ? byte_of((6.0 * i + 3 * (py - 1) + (px - 1)) / 29) : 255;
      EXPECT_EQ(png.at(x, y), expected) << "pixel (" << x << ", " << y << ")";
    }
  EXPECT_EQ(dir.count(), 1u);
}

TEST(ImageGrid, RgbImagesScaledUpAsBlocks) {
  TempDir dir;
  // Two 1 x 2 RGB images, [N, C, H, W], float32.
  const Tensor images = from_vector(std::vector<float>{1, 0, 0, 0.5f, 0, 1,  // image 0: R, G, B rows
                                                       0.2f, 0.2f, 0.4f, 0.4f, 0.6f, 0.6f},
                                    {2, 3, 1, 2});
  save_image_grid(dir / "rgb.png", images, {.padding = 0, .scale = 3});
  const testing::Png png = read_png(dir / "rgb.png");
  ASSERT_EQ(png.channels, 3u);
  ASSERT_EQ(png.width, 12u);  // two images side by side, 2 pixels wide each, times 3
  ASSERT_EQ(png.height, 3u);
  for (uint32_t y = 0; y < 3; ++y) {
    for (uint32_t x = 0; x < 3; ++x) {
      EXPECT_EQ(png.at(x, y, 0), 255);  // image 0, pixel 0: red
      EXPECT_EQ(png.at(x, y, 2), 0);
      EXPECT_EQ(png.at(3 + x, y, 1), 128);  // image 0, pixel 1: 0.5 green
      EXPECT_EQ(png.at(3 + x, y, 2), 255);
      EXPECT_EQ(png.at(6 + x, y, 0), byte_of(0.2f));  // image 1, in float32
      EXPECT_EQ(png.at(9 + x, y, 2), byte_of(0.6f));
    }
  }
}

TEST(ImageGrid, MapsAValueRangeOrTheImagesOwnRange) {
  TempDir dir;
  const Tensor images = from_vector(std::vector<double>{-1, 0, 1, 3, -5, NAN}, {1, 1, 6});
  save_image_grid(dir / "range.png", images, {.padding = 0, .low = -1, .high = 1});
  testing::Png png = read_png(dir / "range.png");
  const std::vector<uint8_t> clamped = {0, 128, 255, 255, 0, 0};  // NaN is black
  EXPECT_EQ(png.pixels, clamped);

  save_image_grid(dir / "normalized.png", tensor({2.0, 4.0, 6.0}).reshape({1, 1, 3}),
                  {.padding = 0, .normalize = true});
  png = read_png(dir / "normalized.png");
  EXPECT_EQ(png.pixels, std::vector<uint8_t>({0, 128, 255}));
  // A constant image has no range of its own: black, not a division by zero.
  save_image_grid(dir / "constant.png", full({1, 2, 2}, 7.0), {.padding = 0, .normalize = true});
  EXPECT_EQ(read_png(dir / "constant.png").pixels, std::vector<uint8_t>(4, 0));
}

TEST(ImageGrid, BadShapesAndOptionsAreErrors) {
  TempDir dir;
  const auto fails = [&](const Tensor& images, const ImageGridOptions& options,
                         std::initializer_list<std::string> parts) {
    expect_error([&] { save_image_grid(dir / "bad.png", images, options); }, parts);
  };
  fails(zeros({4, 4}), {}, {"save_image_grid", "[N, C, H, W] or [N, H, W]", "[4, 4]"});
  fails(zeros({1, 1, 4, 4, 1}), {}, {"[1, 1, 4, 4, 1]"});
  fails(zeros({2, 2, 4, 4}), {}, {"1 (grey) or 3 (RGB) channels", "[2, 2, 4, 4]"});
  fails(zeros({0, 4, 4}), {}, {"no pixels", "[0, 4, 4]"});
  fails(zeros({1, 0, 4}), {}, {"no pixels"});
  fails(Tensor(), {}, {"undefined"});
  fails(zeros({1, 4, 4}), {.nrow = 0}, {"nrow must be >= 1, got 0"});
  fails(zeros({1, 4, 4}), {.padding = -1}, {"padding must be >= 0"});
  fails(zeros({1, 4, 4}), {.scale = 0}, {"scale must be >= 1"});
  fails(zeros({1, 4, 4}), {.pad_value = 2}, {"pad_value must be in [0, 1]"});
  fails(zeros({1, 4, 4}), {.low = 1, .high = 1}, {"low < high", "[1, 1]"});
  fails(zeros({1, 4, 4}), {.high = INFINITY}, {"low < high"});
  fails(zeros({1, 4, 4}), {.scale = 1 << 14}, {"larger than 32768 pixels"});
  EXPECT_EQ(dir.count(), 0u);
  expect_error([&] { save_image_grid(dir / "missing" / "grid.png", zeros({1, 2, 2})); }, {"missing", "grid.png"});
}

}  // namespace
}  // namespace nabla::io
