#pragma once
// The foundation's activations as modules, printing like PyTorch's ("Sigmoid()",
// "LeakyReLU(negative_slope=0.01)", "Softmax(dim=1)"):
//   nn::Sequential net(nn::Linear({.in_features = 4, .out_features = 8}), nn::LeakyReLU({.negative_slope = 0.2}));
#include <string>

#include "nabla/nn/unary_module.h"

namespace nabla::nn {

class Identity : public UnaryModule {
 public:
  Tensor forward(const Tensor& x) override { return x; }
  std::string type_name() const override { return "Identity"; }
};

class Sigmoid : public UnaryModule {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sigmoid"; }
};

class Tanh : public UnaryModule {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Tanh"; }
};

class ReLU : public UnaryModule {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "ReLU"; }
};

struct LeakyReLUOptions {
  double negative_slope = 0.01;
};

class LeakyReLU : public UnaryModule {
 public:
  explicit LeakyReLU(LeakyReLUOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LeakyReLU"; }
  std::string extra_repr() const override;

  LeakyReLUOptions options;
};

struct ELUOptions {
  double alpha = 1.0;
};

class ELU : public UnaryModule {
 public:
  explicit ELU(ELUOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "ELU"; }
  std::string extra_repr() const override;

  ELUOptions options;
};

struct GELUOptions {
  std::string approximate = "none";  // or "tanh"
};

class GELU : public UnaryModule {
 public:
  explicit GELU(GELUOptions options = {});
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "GELU"; }
  std::string extra_repr() const override;

  GELUOptions options;
};

struct SoftplusOptions {
  double beta = 1;
  double threshold = 20;  // above beta * x, softplus is x itself
};

class Softplus : public UnaryModule {
 public:
  explicit Softplus(SoftplusOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Softplus"; }
  std::string extra_repr() const override;

  SoftplusOptions options;
};

// PyTorch's implicit-dim default is deprecated there, so the dim is required here.
struct SoftmaxOptions {
  int64_t dim;
};

class Softmax : public UnaryModule {
 public:
  explicit Softmax(SoftmaxOptions options) : options(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Softmax"; }
  std::string extra_repr() const override;

  SoftmaxOptions options;
};

class LogSoftmax : public UnaryModule {
 public:
  explicit LogSoftmax(SoftmaxOptions options) : options(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LogSoftmax"; }
  std::string extra_repr() const override;

  SoftmaxOptions options;
};

}  // namespace nabla::nn
