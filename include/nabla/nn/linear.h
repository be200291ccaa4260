#pragma once
// nn::Linear: y = x·Wᵀ + b over the last dim, weight [out_features, in_features].
#include "nabla/nn/unary_module.h"

namespace nabla::nn {

struct LinearOptions {
  int64_t in_features = 0;
  int64_t out_features = 0;
  bool bias = true;
  DType dtype = kFloat32;
};

class Linear : public UnaryModule {
 public:
  // PyTorch's initialisation: weight and bias uniform in ±1/sqrt(in_features) (the
  // kaiming_uniform(a=√5) default), drawn from the global generator.
  explicit Linear(LinearOptions options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;

  LinearOptions options;
  Tensor weight;
  Tensor bias;  // undefined when options.bias is false
};

}  // namespace nabla::nn
