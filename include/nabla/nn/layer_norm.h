#pragma once
// Layer normalisation over the trailing dims given by normalized_shape:
//   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias
// with the biased variance, statistics taken per sample over those dims.
#include "nabla/nn/unary_module.h"

namespace nabla::nn {

namespace functional {
// torch.nn.functional.layer_norm; weight and bias (of shape normalized_shape) may be undefined.
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);
}  // namespace functional

struct LayerNormOptions {
  Shape normalized_shape = {};
  double eps = 1e-5;
  bool elementwise_affine = true;  // learnable weight (ones) and bias (zeros)
  DType dtype = kFloat32;
};

class LayerNorm : public UnaryModule {
 public:
  explicit LayerNorm(LayerNormOptions options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LayerNorm"; }
  std::string extra_repr() const override;

  LayerNormOptions options;
  Tensor weight;  // undefined without elementwise_affine
  Tensor bias;
};

}  // namespace nabla::nn
