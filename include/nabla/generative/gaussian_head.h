#pragma once
// Networks whose output is a diagonal Gaussian: the encoders q(z | x), the prior networks
// p(z | c) and the decoders with a learned variance.
//
//   GaussianNetwork encoder({.sizes = {2, 100, 50, 2}, .activation = nn::Activation::Tanh});
//   DiagonalGaussian q = encoder(y);   // q.mu, q.logvar: [N, 2]
//
// A GaussianNetwork is a body (any unary module: the dense one built from sizes, or a
// convolutional stack ending in nn::Flatten) followed by a GaussianHead. Parameter names follow
// the members: body.0.weight, ..., head.mu.weight, head.logvar.bias.
#include <memory>
#include <string>
#include <vector>

#include "nabla/generative/gaussian.h"
#include "nabla/nn/linear.h"
#include "nabla/nn/mlp.h"

namespace nabla::generative {

struct GaussianHeadOptions {
  int64_t in_features = 0;
  int64_t out_features = 0;  // the dimension of the Gaussian
  DType dtype = kFloat32;
};

// Two Linear layers side by side on the same features: the mean and the log-variance.
class GaussianHead : public nn::Module {
 public:
  explicit GaussianHead(GaussianHeadOptions options);
  DiagonalGaussian forward(const Tensor& features);
  DiagonalGaussian operator()(const Tensor& features) { return forward(features); }
  std::string type_name() const override { return "GaussianHead"; }
  std::string extra_repr() const override;

  GaussianHeadOptions options;
  nn::Linear mu;
  nn::Linear logvar;
};

struct GaussianNetworkOptions {
  // input, hidden..., output: each hidden layer is a Linear followed by the activation, and the
  // head maps the last hidden layer (the input when there is none) to the output's Gaussian.
  std::vector<int64_t> sizes = {};
  nn::Activation activation = nn::Activation::ReLU;
  DType dtype = kFloat32;
};

class GaussianNetwork : public nn::Module {
 public:
  explicit GaussianNetwork(GaussianNetworkOptions options);
  // `body` maps the input to [N, head.in_features].
  GaussianNetwork(std::unique_ptr<nn::UnaryModule> body, GaussianHeadOptions head);
  DiagonalGaussian forward(const Tensor& x);
  DiagonalGaussian operator()(const Tensor& x) { return forward(x); }
  std::string type_name() const override { return "GaussianNetwork"; }

  std::unique_ptr<nn::UnaryModule> body;
  GaussianHead head;
};

}  // namespace nabla::generative
