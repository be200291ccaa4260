#pragma once
// Convolutions over NCHW (and NCL) tensors, torch.nn.functional's conv1d, conv2d and
// conv_transpose2d, with PyTorch's shapes:
//
//   namespace F = nabla::nn::functional;
//   Tensor y = F::conv2d(x, w, {.bias = b, .stride = 2, .padding = 1});  // x [N, C, H, W], w [O, C / groups,
//   kh, kw] Tensor s = F::conv2d(x, w, {.padding = "same"}); Tensor u = F::conv_transpose2d(y, w, {.stride =
//   2, .padding = 1, .output_padding = 1});
//
// An input without its batch dim ([C, H, W], or [C, L] for conv1d) gives an output without
// one. Output sizes: (H + 2 padding - dilation (k - 1) - 1) / stride + 1, rounded down, for
// a convolution; (H - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1 for a
// transposed one. Input and weight are float32 or float64, of the same dtype.
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "nabla/nn/expanding_array.h"
#include "nabla/tensor/tensor.h"

namespace nabla::nn {

// A convolution's padding: sizes (one int or D ints), or "valid" (no padding) or "same" (as
// much padding as keeps the output the size of the input, stride 1 only; an odd total puts
// the extra row or column at the end, as PyTorch does).
template <int D>
class ConvPadding {
 public:
  ConvPadding(int64_t value) : sizes_(value) {}
  ConvPadding(std::initializer_list<int64_t> values) : sizes_(values) {}
  template <size_t N>
  ConvPadding(const char (&mode)[N]) : mode_(parse(std::string_view(mode, N - 1))) {}
  // A mode chosen at run time (from a configuration file, say).
  explicit ConvPadding(std::string_view mode) : mode_(parse(mode)) {}

  bool is_same() const { return mode_ == Mode::Same; }
  bool is_valid() const { return mode_ == Mode::Valid; }
  // The explicit sizes (zeros for "valid" and "same").
  const ExpandingArray<D>& sizes() const { return sizes_; }

 private:
  enum class Mode { Explicit, Same, Valid };
  static Mode parse(std::string_view mode) {
    NABLA_CHECK(mode == "same" || mode == "valid", "conv", "invalid padding string '", mode,
                "', should be one of {'valid', 'same'}");
    return mode == "same" ? Mode::Same : Mode::Valid;
  }

  Mode mode_ = Mode::Explicit;
  ExpandingArray<D> sizes_ = 0;
};

// torch.nn.functional.conv{1,2}d's arguments after the input and weight.
template <int D>
struct ConvFuncOptions {
  Tensor bias{};  // [O], or undefined
  ExpandingArray<D> stride = 1;
  ConvPadding<D> padding = 0;
  ExpandingArray<D> dilation = 1;
  int64_t groups = 1;  // input and output channels are split into this many independent groups
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;

// torch.nn.functional.conv_transpose2d's arguments after the input and weight.
template <int D>
struct ConvTransposeFuncOptions {
  Tensor bias{};  // [O], or undefined
  ExpandingArray<D> stride = 1;
  ExpandingArray<D> padding = 0;
  // Added to one side of the output, to pick among the sizes a strided convolution maps to
  // the same input size; smaller than the stride or the dilation.
  ExpandingArray<D> output_padding = 0;
  int64_t groups = 1;
  ExpandingArray<D> dilation = 1;
};
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;

namespace functional {

// input [N, C, L] or [C, L], weight [O, C / groups, k] -> [N, O, L_out].
Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
// input [N, C, H, W] or [C, H, W], weight [O, C / groups, kh, kw] -> [N, O, H_out, W_out].
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
// The adjoint of conv2d in its input (its input gradient, plus a bias): input [N, C, H, W]
// or [C, H, W], weight [C, O / groups, kh, kw] -> [N, O, H_out, W_out].
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose2dFuncOptions& options = {});

}  // namespace functional
}  // namespace nabla::nn
