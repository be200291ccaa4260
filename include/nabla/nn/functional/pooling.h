#pragma once
// Pooling over the last one or two dims, torch.nn.functional's names and arithmetic; the
// option structs are shared with the modules of nabla/nn/pooling.h:
//
//   namespace F = nabla::nn::functional;
//   Tensor y = F::max_pool2d(x, {.kernel_size = 2});                  // [N, C, 28, 28] -> [N, C, 14, 14]
//   auto [m, at] = F::max_pool2d_with_indices(x, {.kernel_size = 3, .stride = 2, .padding = 1});
//   Tensor a = F::avg_pool2d(x, {.kernel_size = 3, .stride = 1, .padding = 1, .count_include_pad = false});
//   Tensor g = F::adaptive_avg_pool2d(x, 1);                           // global average: [N, C, 1, 1]
//
// Inputs are [N, C, H, W] or [C, H, W] ([N, C, L] or [C, L] in 1-D). Each output size is
// (in + 2 padding - dilation (kernel - 1) - 1) / stride + 1, rounded down, or up with
// ceil_mode (where a last window starting in the right padding is dropped); padding is at
// most half the kernel.
#include <cstdint>
#include <optional>
#include <utility>

#include "nabla/nn/expanding_array.h"
#include "nabla/tensor/tensor.h"

namespace nabla::nn {

// Padded elements never win. The C++ return type cannot depend on an option, so PyTorch's
// return_indices is max_pool*d_with_indices here, and forward_with_indices on the modules.
template <int D>
struct MaxPoolOptions {
  ExpandingArray<D> kernel_size = 0;
  OptionalExpandingArray<D> stride{};  // kernel_size when not given
  ExpandingArray<D> padding = 0;
  ExpandingArray<D> dilation = 1;
  bool ceil_mode = false;
};
using MaxPool1dOptions = MaxPoolOptions<1>;
using MaxPool2dOptions = MaxPoolOptions<2>;

// Each window's mean, divided by the window's size including the zero padding (count_include_pad)
// or by its number of input elements, or by divisor_override when given.
struct AvgPool2dOptions {
  ExpandingArray<2> kernel_size = 0;
  OptionalExpandingArray<2> stride{};  // kernel_size when not given
  ExpandingArray<2> padding = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override{};
};

namespace functional {

// The maxima, and the int64 position of each within its input plane (h W + w; w alone in 1-D)
// as PyTorch gives them: with ties the first in the window wins, and NaN always does.
std::pair<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dOptions& options);
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dOptions& options);
Tensor max_pool1d(const Tensor& input, const MaxPool1dOptions& options);
Tensor max_pool2d(const Tensor& input, const MaxPool2dOptions& options);

Tensor avg_pool2d(const Tensor& input, const AvgPool2dOptions& options);
// Output i of a dim of size in averages inputs floor(i in / out) .. ceil((i + 1) in / out) - 1.
Tensor adaptive_avg_pool2d(const Tensor& input, ExpandingArray<2> output_size);

}  // namespace functional
}  // namespace nabla::nn
