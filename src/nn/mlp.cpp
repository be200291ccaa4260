#include "nabla/nn/mlp.h"

#include "nabla/nn/activation.h"
#include "nabla/nn/dropout.h"
#include "nabla/nn/linear.h"

namespace nabla::nn {

std::unique_ptr<UnaryModule> make_activation(Activation a) {
  switch (a) {
    case Activation::Identity: return std::make_unique<Identity>();
    case Activation::Sigmoid: return std::make_unique<Sigmoid>();
    case Activation::Tanh: return std::make_unique<Tanh>();
    case Activation::ReLU: return std::make_unique<ReLU>();
    case Activation::LeakyReLU: return std::make_unique<LeakyReLU>();
    case Activation::ELU: return std::make_unique<ELU>();
    case Activation::GELU: return std::make_unique<GELU>();
    case Activation::Softplus: return std::make_unique<Softplus>();
  }
  detail::fail("make_activation", "unknown activation ", static_cast<int>(a));
}

MLP::MLP(MLPOptions o) : options(std::move(o)) {
  const std::vector<int64_t>& sizes = options.sizes;
  NABLA_CHECK(sizes.size() >= 2, "MLP", "sizes needs at least an input and an output size, got ", sizes.size(),
              " entries");
  for (size_t i = 0; i < sizes.size(); ++i)
    NABLA_CHECK(sizes[i] > 0, "MLP", "sizes must be positive, got ", sizes[i], " at position ", i);
  NABLA_CHECK(options.dropout >= 0 && options.dropout < 1, "MLP", "dropout must be in [0, 1), got ",
              options.dropout);
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    push_back(Linear({.in_features = sizes[i], .out_features = sizes[i + 1], .bias = options.bias,
                      .dtype = options.dtype}));
    if (i + 2 == sizes.size()) break;
    add(make_activation(options.activation));
    if (options.dropout > 0) push_back(Dropout({.p = options.dropout}));
  }
}

}  // namespace nabla::nn
