#pragma once
// The variational auto-encoder (Kingma and Welling): an encoder q(z | x) = N(mu, exp(logvar)),
// one reparameterised sample z, a decoder p(x | z), and the prior N(0, I).
//
//   VAE vae({.encoder = {.sizes = {784, 512, 20}}, .decoder = {.sizes = {20, 512, 784}}});
//   ELBO terms = vae.loss(x);              // mean over the batch of -ELBO
//   terms.loss.backward();
//   Tensor images = vae.sample(64);        // decoder means of 64 codes from the prior
//
// Encoder and decoder can be any networks (GaussianNetwork and Decoder built around them), so a
// convolutional pair plugs in the same way. Parameters: encoder.body.*, encoder.head.mu.*,
// encoder.head.logvar.*, decoder.body.*, decoder.head.* (a learned decoder variance).
#include <string>

#include "nabla/generative/decoder.h"
#include "nabla/generative/elbo.h"

namespace nabla::generative {

struct VAEOptions {
  GaussianNetworkOptions encoder{};
  DecoderOptions decoder{};
};

struct VAEOutput {
  DiagonalGaussian posterior{};  // q(z | x)
  Tensor z{};                    // its reparameterised sample
  Reconstruction reconstruction{};
};

class VAE : public nn::Module {
 public:
  explicit VAE(VAEOptions options);
  VAE(GaussianNetwork encoder, Decoder decoder);

  // eps: the reparameterisation's noise (see reparameterize); drawn when undefined.
  VAEOutput forward(const Tensor& x, const Tensor& eps = {});
  VAEOutput operator()(const Tensor& x, const Tensor& eps = {}) { return forward(x, eps); }
  // -ELBO of the batch: decoder.nll + beta · KL(q(z | x) || N(0, I)).
  ELBO loss(const Tensor& x, const ELBOOptions& options = {}, const Tensor& eps = {});

  DiagonalGaussian encode(const Tensor& x) { return encoder(x); }
  // The codes of x as the posterior means (for plots and dimensionality reduction).
  Tensor encode_mean(const Tensor& x) { return encoder(x).mu; }
  // The decoder's expected data for codes z.
  Tensor decode(const Tensor& z) { return decoder.mean(decoder(z)); }
  // decode(z) for n codes drawn from the prior.
  Tensor sample(int64_t n);
  int64_t latent_dim() const { return encoder.head.options.out_features; }
  std::string type_name() const override { return "VAE"; }

  GaussianNetwork encoder;
  Decoder decoder;
};

}  // namespace nabla::generative
