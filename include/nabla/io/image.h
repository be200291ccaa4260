#pragma once
// A batch of images written as one PNG grid, as torchvision.utils.save_image does:
//
//   io::save_image_grid("samples.png", images);                               // [N, C, H, W] in [0, 1]
//   io::save_image_grid("inputs.png", x, {.nrow = 16, .low = -1, .high = 1, .scale = 3});
//
// `images` is [N, 1, H, W] or [N, H, W] (grey) or [N, 3, H, W] (RGB), of any dtype. Values
// from low to high become 0 to 255 (clamped; rounded as torchvision rounds: value · 255 + 0.5,
// truncated; NaN is black); normalize = true takes low and high from the batch's own minimum
// and maximum instead. The grid has nrow images per row (fewer rows than that when N is
// smaller) with `padding` pixels of pad_value (0 black, 1 white) between and around them, and
// is then enlarged `scale` times, each pixel a scale × scale block, so 28 × 28 images stay
// visible. The file is written atomically; bad shapes or options throw nabla::Error.
#include <cstdint>
#include <filesystem>

#include "nabla/tensor/tensor.h"

namespace nabla::io {

struct ImageGridOptions {
  int64_t nrow = 8;        // images per row
  int64_t padding = 2;     // pixels, before scaling
  double pad_value = 0;    // the padding's brightness in [0, 1]
  double low = 0;          // the value drawn black
  double high = 1;         // the value drawn white (full intensity)
  bool normalize = false;  // low and high from the images' minimum and maximum
  int64_t scale = 1;       // each pixel drawn as a scale × scale block
};

void save_image_grid(const std::filesystem::path& path, const Tensor& images, const ImageGridOptions& options = {});

}  // namespace nabla::io
