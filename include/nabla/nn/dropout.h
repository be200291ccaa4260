#pragma once
// Inverted dropout: in training each element is zeroed with probability p and the
// survivors are scaled by 1 / (1 - p), so the expected value is unchanged and evaluation
// needs no rescaling; in eval mode it is the identity. Dropout2d zeroes whole channels
// (feature maps) instead of single elements.
#include "nabla/nn/unary_module.h"

namespace nabla::nn {

namespace functional {
// torch.nn.functional.dropout; returns the input itself when not training or p == 0.
Tensor dropout(const Tensor& input, double p = 0.5, bool training = true);
// torch.nn.functional.dropout2d over [N, C, H, W], or [C, H, W] taken as one sample (PyTorch
// 1.13 would take a 3D input as [N, C, L], with a warning that this will change).
Tensor dropout2d(const Tensor& input, double p = 0.5, bool training = true);
}  // namespace functional

struct DropoutOptions {
  double p = 0.5;
};

class Dropout : public UnaryModule {
 public:
  explicit Dropout(DropoutOptions options = {});
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;

  DropoutOptions options;
};

class Dropout2d : public UnaryModule {
 public:
  explicit Dropout2d(DropoutOptions options = {});
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Dropout2d"; }
  std::string extra_repr() const override;

  DropoutOptions options;
};

}  // namespace nabla::nn
