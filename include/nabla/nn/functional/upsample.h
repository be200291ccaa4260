#pragma once
// Resizing the last two dims of an NCHW tensor, torch.nn.functional.interpolate's nearest and
// bilinear modes (nn::Upsample is the module):
//
//   namespace F = nabla::nn::functional;
//   Tensor big = F::interpolate(x, {.scale_factor = 2});  // nearest: [N, C, H, W] -> [N, C, 2H, 2W]
//   Tensor fit = F::interpolate(x, {.size = {32, 32}, .mode = nn::InterpolateMode::Bilinear, .align_corners =
//   true});
//
// Given a scale factor, the output size is floor(in · scale_factor), and the scale factor (not
// the ratio of the sizes) maps output positions to input ones, as in PyTorch 1.13 (its
// recompute_scale_factor=None). Nearest takes input floor(i / scale); bilinear blends the two
// nearest inputs of (i + 0.5) / scale - 0.5 (clamped at 0), or of i (in - 1) / (out - 1)
// with align_corners.
#include <optional>

#include "nabla/nn/expanding_array.h"
#include "nabla/tensor/tensor.h"

namespace nabla::nn {

enum class InterpolateMode { Nearest, Bilinear };

// Exactly one of size and scale_factor.
struct InterpolateOptions {
  OptionalExpandingArray<2> size{};
  OptionalExpandingArray<2, double> scale_factor{};
  InterpolateMode mode = InterpolateMode::Nearest;
  std::optional<bool> align_corners{};  // bilinear only; false when not given
};
using UpsampleOptions = InterpolateOptions;

namespace functional {

// input [N, C, H, W] (floating) -> [N, C, H_out, W_out].
Tensor interpolate(const Tensor& input, const InterpolateOptions& options);

}  // namespace functional
}  // namespace nabla::nn
