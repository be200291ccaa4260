#pragma once
// Pooling layers over NCHW (and NCL) tensors, with PyTorch's names and printing:
//
//   nn::MaxPool2d pool({.kernel_size = 2});          // [N, C, 28, 28] -> [N, C, 14, 14]
//   auto [y, indices] = pool.forward_with_indices(x);
//   nn::AdaptiveAvgPool2d gap({.output_size = 1});   // [N, C, H, W] -> [N, C, 1, 1]
//
// The arithmetic is that of nn/functional/pooling.h, whose option structs these share.
#include <utility>

#include "nabla/nn/functional/pooling.h"
#include "nabla/nn/unary_module.h"

namespace nabla::nn {

// MaxPool1d (D = 1) over [N, C, L] and MaxPool2d (D = 2) over [N, C, H, W] (or either without N).
template <int D>
class MaxPoolNd : public UnaryModule {
 public:
  explicit MaxPoolNd(MaxPoolOptions<D> options) : options(std::move(options)) {}
  Tensor forward(const Tensor& x) override;
  // The maxima and their positions in the input planes (PyTorch's return_indices=True).
  std::pair<Tensor, Tensor> forward_with_indices(const Tensor& x);
  std::string type_name() const override { return D == 1 ? "MaxPool1d" : "MaxPool2d"; }
  std::string extra_repr() const override;

  MaxPoolOptions<D> options;
};
using MaxPool1d = MaxPoolNd<1>;
using MaxPool2d = MaxPoolNd<2>;
extern template class MaxPoolNd<1>;
extern template class MaxPoolNd<2>;

class AvgPool2d : public UnaryModule {
 public:
  explicit AvgPool2d(AvgPool2dOptions options) : options(std::move(options)) {}
  Tensor forward(const Tensor& x) override { return functional::avg_pool2d(x, options); }
  std::string type_name() const override { return "AvgPool2d"; }
  std::string extra_repr() const override;

  AvgPool2dOptions options;
};

struct AdaptiveAvgPool2dOptions {
  ExpandingArray<2> output_size = 0;
};

class AdaptiveAvgPool2d : public UnaryModule {
 public:
  explicit AdaptiveAvgPool2d(AdaptiveAvgPool2dOptions options) : options(options) {}
  Tensor forward(const Tensor& x) override { return functional::adaptive_avg_pool2d(x, options.output_size); }
  std::string type_name() const override { return "AdaptiveAvgPool2d"; }
  std::string extra_repr() const override;

  AdaptiveAvgPool2dOptions options;
};

}  // namespace nabla::nn
