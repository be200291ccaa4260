#include "nabla/generative/vae.h"

#include "nabla/tensor/random.h"

namespace nabla::generative {

// Braces: the encoder draws its initial weights before the decoder.
VAE::VAE(VAEOptions o) : VAE{GaussianNetwork(std::move(o.encoder)), Decoder(std::move(o.decoder))} {}

VAE::VAE(GaussianNetwork e, Decoder d) : encoder(std::move(e)), decoder(std::move(d)) {
  register_module("encoder", &VAE::encoder);
  register_module("decoder", &VAE::decoder);
}

VAEOutput VAE::forward(const Tensor& x, const Tensor& eps) {
  VAEOutput out{.posterior = encoder(x)};
  const DiagonalGaussian& q = out.posterior;
  out.z = reparameterize(q.mu, q.logvar, eps);
  out.reconstruction = decoder(out.z);
  return out;
}

ELBO VAE::loss(const Tensor& x, const ELBOOptions& options, const Tensor& eps) {
  const VAEOutput out = forward(x, eps);
  return elbo_loss(decoder.nll(out.reconstruction, x),
                   nn::functional::kl_normal_standard(out.posterior.mu, out.posterior.logvar), options);
}

Tensor VAE::sample(int64_t n) {
  NABLA_CHECK(n > 0, "VAE.sample", "the number of samples must be positive, got ", n);
  return decode(randn({n, latent_dim()}, {.dtype = encoder.head.mu.weight.dtype()}));
}

}  // namespace nabla::generative
