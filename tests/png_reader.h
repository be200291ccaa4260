#pragma once
// PNG files read back with libpng, independently of the nabla code that wrote them.
#include <png.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace nabla::testing {

struct Png {
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t channels = 0;          // 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA: as stored in the file
  std::vector<uint8_t> pixels{};  // row by row, channels interleaved

  uint8_t at(uint32_t x, uint32_t y, uint32_t channel = 0) const {
    return pixels[(static_cast<size_t>(y) * width + x) * channels + channel];
  }
};

// Decodes `path` in its own format; throws std::runtime_error if libpng cannot.
inline Png read_png(const std::filesystem::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0)
    throw std::runtime_error("libpng cannot read " + path.string() + ": " + image.message);
  Png png{.width = image.width, .height = image.height, .channels = PNG_IMAGE_SAMPLE_CHANNELS(image.format)};
  png.pixels.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, png.pixels.data(), 0, nullptr) == 0)
    throw std::runtime_error("libpng cannot decode " + path.string() + ": " + image.message);
  return png;
}

}  // namespace nabla::testing
