#include "nabla/generative/conditional_vae.h"

#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "nabla/tensor/shape_ops.h"
#include "src/generative/check.h"
#include "src/nn/repr.h"

namespace nabla::generative {
namespace {

// The input of a network that sees the condition: [x, c] along the last dim.
Tensor with_condition(const Tensor& input, const Tensor& c, bool sees_condition) {
  return sees_condition ? cat({input, c}, -1) : input;
}

}  // namespace

ConditionalVAE::ConditionalVAE(GaussianNetwork e, Decoder d, std::unique_ptr<GaussianNetwork> prior,
                               ConditionalVAEOptions o)
    : encoder(std::move(e)), decoder(std::move(d)), prior_network(std::move(prior)), options(o) {
  NABLA_CHECK(
      prior_network || o.encoder_sees_condition || o.decoder_sees_condition, "ConditionalVAE",
      "no network sees the condition: give a prior network, or let the encoder or the decoder see it");
  register_module("encoder", &ConditionalVAE::encoder);
  register_module("decoder", &ConditionalVAE::decoder);
  if (prior_network) register_module("prior", &ConditionalVAE::prior_network);
}

DiagonalGaussian ConditionalVAE::prior(const Tensor& c) {
  const char* op = "ConditionalVAE";
  detail::check_batch(c, "condition", op);
  if (prior_network) return (*prior_network)(c);
  const Tensor zero = zeros({c.size(0), latent_dim()}, {.dtype = encoder.head.mu.weight.dtype()});
  return {zero, zero};
}

ConditionalVAEOutput ConditionalVAE::forward(const Tensor& x, const Tensor& c, const Tensor& eps) {
  const char* op = "ConditionalVAE";
  detail::check_batch(c, "condition", op);
  detail::check_floating(x, "x", op);
  NABLA_CHECK(x.dim() >= 1 && x.size(0) == c.size(0), op, "x of shape ", x.shape(),
              " and the condition of shape ", c.shape(), " have different batch sizes");
  ConditionalVAEOutput out{.posterior = encoder(with_condition(x, c, options.encoder_sees_condition)),
                           .prior = prior(c)};
  const DiagonalGaussian& q = out.posterior;
  out.z = reparameterize(q.mu, q.logvar, eps);
  out.reconstruction = decoder(with_condition(out.z, c, options.decoder_sees_condition));
  return out;
}

ELBO ConditionalVAE::loss(const Tensor& x, const Tensor& c, const ELBOOptions& elbo, const Tensor& eps) {
  const ConditionalVAEOutput out = forward(x, c, eps);
  const DiagonalGaussian &q = out.posterior, &p = out.prior;
  const Tensor kl = prior_network ? nn::functional::kl_normal_normal(q.mu, q.logvar, p.mu, p.logvar)
                                  : nn::functional::kl_normal_standard(q.mu, q.logvar);
  return elbo_loss(decoder.nll(out.reconstruction, x), kl, elbo);
}

Tensor ConditionalVAE::sample(const Tensor& c, const Tensor& eps) {
  const DiagonalGaussian p = prior(c);
  const Tensor z = reparameterize(p.mu, p.logvar, eps);
  return decoder.mean(decoder(with_condition(z, c, options.decoder_sees_condition)));
}

std::string ConditionalVAE::extra_repr() const {
  return "encoder_sees_condition=" + nn::internal::py_bool(options.encoder_sees_condition) +
         ", decoder_sees_condition=" + nn::internal::py_bool(options.decoder_sees_condition);
}

}  // namespace nabla::generative
