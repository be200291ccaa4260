#pragma once
// The conditional VAE (Sohn et al.): data x generated under a condition c, with a recognition
// network q(z | x[, c]), a prior p(z | c) (a prior network, or N(0, I) without one) and a
// decoder p(x | z[, c]). Where a network sees the condition, c is concatenated to its input
// along the last dim. The tutorial's CVAE (a prior network p(z | c), a recognition network that
// sees x only, a decoder that sees z only):
//
//   ConditionalVAE cvae(GaussianNetwork({.sizes = {1, 50, 50, 2}, .activation = nn::Activation::Tanh}),
//                       Decoder({.sizes = {2, 50, 50, 1}, .activation = nn::Activation::Tanh,
//                                .likelihood = Likelihood::Gaussian, .learned_variance = true}),
//                       std::make_unique<GaussianNetwork>(GaussianNetworkOptions{...}),
//                       {.encoder_sees_condition = false, .decoder_sees_condition = false});
//   ELBO terms = cvae.loss(y, x, {.reduction = nn::Reduction::Sum});
//   Tensor curve = cvae.sample(x_grid, randn({1, 2}));   // one draw of z shared by the grid
//
// Parameters: encoder.*, decoder.*, prior.* (with a prior network).
#include <memory>
#include <string>

#include "nabla/generative/decoder.h"
#include "nabla/generative/elbo.h"

namespace nabla::generative {

struct ConditionalVAEOptions {
  bool encoder_sees_condition = true;  // q(z | x, c), else q(z | x)
  bool decoder_sees_condition = true;  // p(x | z, c), else p(x | z)
};

struct ConditionalVAEOutput {
  DiagonalGaussian posterior{};  // q(z | x[, c])
  DiagonalGaussian prior{};      // p(z | c); N(0, I) as zeros when there is no prior network
  Tensor z{};
  Reconstruction reconstruction{};
};

class ConditionalVAE : public nn::Module {
 public:
  // prior: the prior network p(z | c), or null for N(0, I). At least one of the three networks
  // must see the condition.
  ConditionalVAE(GaussianNetwork encoder, Decoder decoder, std::unique_ptr<GaussianNetwork> prior,
                 ConditionalVAEOptions options = {});

  // x [N, ...] and c [N, C]; eps as for VAE::forward.
  ConditionalVAEOutput forward(const Tensor& x, const Tensor& c, const Tensor& eps = {});
  ConditionalVAEOutput operator()(const Tensor& x, const Tensor& c, const Tensor& eps = {}) {
    return forward(x, c, eps);
  }
  // -ELBO of the batch: decoder.nll + beta · KL(q(z | x[, c]) || p(z | c)).
  ELBO loss(const Tensor& x, const Tensor& c, const ELBOOptions& options = {}, const Tensor& eps = {});

  // p(z | c) for conditions c [N, C].
  DiagonalGaussian prior(const Tensor& c);
  // The decoder's expected data for codes z drawn from p(z | c); eps (drawn when undefined)
  // broadcasts to [N, latent], so a [1, latent] eps gives every condition the same draw.
  Tensor sample(const Tensor& c, const Tensor& eps = {});
  int64_t latent_dim() const { return encoder.head.options.out_features; }
  bool has_prior_network() const { return prior_network != nullptr; }
  std::string type_name() const override { return "ConditionalVAE"; }
  std::string extra_repr() const override;

  GaussianNetwork encoder;
  Decoder decoder;
  std::unique_ptr<GaussianNetwork> prior_network;
  ConditionalVAEOptions options;
};

}  // namespace nabla::generative
