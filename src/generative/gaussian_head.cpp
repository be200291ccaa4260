#include "nabla/generative/gaussian_head.h"

#include <sstream>

#include "nabla/nn/activation.h"

namespace nabla::generative {
namespace {

void check_sizes(const GaussianNetworkOptions& o) {
  NABLA_CHECK(o.sizes.size() >= 2, "GaussianNetwork",
              "sizes needs at least an input and an output size, got ", o.sizes.size(), " entries");
}

// Linear + activation for each hidden layer of sizes (the activation follows the last one too,
// since the head comes next); the identity when there is no hidden layer.
std::unique_ptr<nn::UnaryModule> dense_body(const GaussianNetworkOptions& o) {
  check_sizes(o);
  if (o.sizes.size() == 2) return std::make_unique<nn::Identity>();
  auto body = std::make_unique<nn::MLP>(
      nn::MLPOptions{.sizes = std::vector<int64_t>(o.sizes.begin(), o.sizes.end() - 1),
                     .activation = o.activation,
                     .dtype = o.dtype});
  body->add(nn::make_activation(o.activation));
  return body;
}

GaussianHeadOptions checked(const GaussianHeadOptions& o) {
  NABLA_CHECK(o.in_features > 0 && o.out_features > 0, "GaussianHead",
              "in_features and out_features must be positive, got ", o.in_features, " and ", o.out_features);
  return o;
}

GaussianHeadOptions dense_head(const GaussianNetworkOptions& o) {
  check_sizes(o);
  return {.in_features = o.sizes[o.sizes.size() - 2], .out_features = o.sizes.back(), .dtype = o.dtype};
}

}  // namespace

GaussianHead::GaussianHead(GaussianHeadOptions o)
    : options(checked(o)),
      mu({.in_features = o.in_features, .out_features = o.out_features, .dtype = o.dtype}),
      logvar({.in_features = o.in_features, .out_features = o.out_features, .dtype = o.dtype}) {
  register_module("mu", &GaussianHead::mu);
  register_module("logvar", &GaussianHead::logvar);
}

DiagonalGaussian GaussianHead::forward(const Tensor& features) { return {mu(features), logvar(features)}; }

std::string GaussianHead::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options.in_features << ", out_features=" << options.out_features;
  return os.str();
}

GaussianNetwork::GaussianNetwork(GaussianNetworkOptions o) : GaussianNetwork(dense_body(o), dense_head(o)) {}

GaussianNetwork::GaussianNetwork(std::unique_ptr<nn::UnaryModule> b, GaussianHeadOptions h)
    : body(std::move(b)), head(h) {
  NABLA_CHECK(body != nullptr, "GaussianNetwork", "no body network");
  register_module("body", &GaussianNetwork::body);
  register_module("head", &GaussianNetwork::head);
}

DiagonalGaussian GaussianNetwork::forward(const Tensor& x) { return head((*body)(x)); }

}  // namespace nabla::generative
