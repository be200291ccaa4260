#include "nabla/generative/decoder.h"

#include <sstream>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"

namespace nabla::generative {
namespace {

const char* name_of(Likelihood likelihood) {
  return likelihood == Likelihood::Bernoulli ? "Bernoulli" : "Gaussian";
}

// The dense decoder's network: with a learned variance, hidden layers and a GaussianHead (the
// head taken out of a GaussianNetwork); otherwise an MLP whose last Linear gives the output.
GaussianNetwork dense_network(const DecoderOptions& o) {
  NABLA_CHECK(o.likelihood == Likelihood::Gaussian, "Decoder",
              "learned_variance needs the Gaussian likelihood");
  return GaussianNetwork({.sizes = o.sizes, .activation = o.activation, .dtype = o.dtype});
}

}  // namespace

Decoder::Decoder(std::unique_ptr<nn::UnaryModule> b, std::unique_ptr<GaussianHead> h, Likelihood l, double lv)
    : likelihood(l), logvar(lv), body(std::move(b)), head(std::move(h)) {
  NABLA_CHECK(body != nullptr, "Decoder", "no body network");
  register_module("body", &Decoder::body);
  if (head) register_module("head", &Decoder::head);
}

Decoder::Decoder(std::unique_ptr<nn::UnaryModule> b, Likelihood l, double lv)
    : Decoder(std::move(b), nullptr, l, lv) {}

Decoder::Decoder(GaussianNetwork network)
    : Decoder(std::move(network.body), std::make_unique<GaussianHead>(std::move(network.head)),
              Likelihood::Gaussian, 0) {}

Decoder::Decoder(DecoderOptions o)
    : Decoder(o.learned_variance
                  ? Decoder(dense_network(o))
                  : Decoder(std::make_unique<nn::MLP>(nn::MLPOptions{
                                .sizes = o.sizes, .activation = o.activation, .dtype = o.dtype}),
                            o.likelihood, o.logvar)) {}

Reconstruction Decoder::forward(const Tensor& z) {
  const Tensor features = (*body)(z);
  if (head) {
    DiagonalGaussian g = (*head)(features);
    return {std::move(g.mu), std::move(g.logvar)};
  }
  if (likelihood == Likelihood::Bernoulli) return {features, {}};
  return {features, scalar_tensor(logvar, {.dtype = features.dtype()})};
}

Tensor Decoder::nll(const Reconstruction& r, const Tensor& x) const {
  return likelihood == Likelihood::Bernoulli ? bernoulli_nll(x, r.output)
                                             : gaussian_nll(x, r.output, r.logvar);
}

Tensor Decoder::mean(const Reconstruction& r) const {
  return likelihood == Likelihood::Bernoulli ? sigmoid(r.output) : r.output;
}

std::string Decoder::extra_repr() const {
  std::ostringstream os;
  os << "likelihood=" << name_of(likelihood);
  if (likelihood == Likelihood::Gaussian) {
    if (head)
      os << ", variance=learned";
    else
      os << ", logvar=" << logvar;
  }
  return os.str();
}

}  // namespace nabla::generative
