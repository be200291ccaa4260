#pragma once
// nn::MLP: the fully connected network every seed example builds, as a Sequential of
//   Linear, activation, [Dropout], Linear, activation, [Dropout], ..., Linear
// so its state dict names ("0.weight", "2.weight", ...) match the equivalent PyTorch
// nn.Sequential and weights move between the two.
//   nn::MLP net({.sizes = {4, 200, 300, 1}, .activation = nn::Activation::Sigmoid});
#include <memory>
#include <vector>

#include "nabla/nn/sequential.h"

namespace nabla::nn {

enum class Activation { Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, GELU, Softplus };

// The activation as a module, with PyTorch's default options.
std::unique_ptr<UnaryModule> make_activation(Activation activation);

struct MLPOptions {
  std::vector<int64_t> sizes = {};  // input, hidden..., output: at least two
  Activation activation = Activation::ReLU;  // after every hidden Linear, with PyTorch's default options
  double dropout = 0;                        // when > 0, a Dropout after every hidden activation
  bool bias = true;
  DType dtype = kFloat32;
};

class MLP : public Sequential {
 public:
  explicit MLP(MLPOptions options);
  std::string type_name() const override { return "MLP"; }

  MLPOptions options;
};

}  // namespace nabla::nn
