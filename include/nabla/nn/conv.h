#pragma once
// Convolution layers with PyTorch's parameter names, shapes and initialisation:
//
//   nn::Conv2d conv({.in_channels = 1, .out_channels = 32, .kernel_size = 3, .padding = 1});
//   Tensor y = conv(x);  // x [N, 1, 28, 28] -> y [N, 32, 28, 28]
//   nn::ConvTranspose2d up({.in_channels = 32, .out_channels = 16, .kernel_size = 4, .stride = 2, .padding =
//   1});
//
// The weight is drawn like PyTorch's (kaiming_uniform_ with a = √5, i.e. uniform in
// ±1/√fan_in) and so is the bias, from the global generator; fan_in is weight.size(1) times
// the kernel's size. The shapes and arithmetic are those of nn/functional/conv.h.
#include <string>

#include "nabla/nn/functional/conv.h"
#include "nabla/nn/unary_module.h"

namespace nabla::nn {

template <int D>
struct ConvOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  ExpandingArray<D> kernel_size = 0;
  ExpandingArray<D> stride = 1;
  ConvPadding<D> padding = 0;
  ExpandingArray<D> dilation = 1;
  int64_t groups = 1;  // divides in_channels and out_channels
  bool bias = true;
  std::string padding_mode = "zeros";  // the only mode so far
  DType dtype = kFloat32;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;

// Conv1d (D = 1) over [N, C, L] and Conv2d (D = 2) over [N, C, H, W] (or either without N).
template <int D>
class ConvNd : public UnaryModule {
 public:
  explicit ConvNd(ConvOptions<D> options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return D == 1 ? "Conv1d" : "Conv2d"; }
  std::string extra_repr() const override;

  ConvOptions<D> options;
  Tensor weight;  // [out_channels, in_channels / groups, *kernel_size]
  Tensor bias;    // [out_channels]; undefined when options.bias is false
};
using Conv1d = ConvNd<1>;
using Conv2d = ConvNd<2>;
extern template class ConvNd<1>;
extern template class ConvNd<2>;

// PyTorch's argument order: output_padding comes before groups, and dilation after bias.
struct ConvTranspose2dOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  ExpandingArray<2> kernel_size = 0;
  ExpandingArray<2> stride = 1;
  ExpandingArray<2> padding = 0;
  ExpandingArray<2> output_padding = 0;
  int64_t groups = 1;
  bool bias = true;
  ExpandingArray<2> dilation = 1;
  std::string padding_mode = "zeros";
  DType dtype = kFloat32;
};

class ConvTranspose2d : public UnaryModule {
 public:
  explicit ConvTranspose2d(ConvTranspose2dOptions options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "ConvTranspose2d"; }
  std::string extra_repr() const override;

  ConvTranspose2dOptions options;
  Tensor weight;  // [in_channels, out_channels / groups, kh, kw]
  Tensor bias;    // [out_channels]; undefined when options.bias is false
};

}  // namespace nabla::nn
