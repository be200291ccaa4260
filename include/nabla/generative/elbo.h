#pragma once
// The VAE objective: the negative evidence lower bound
//   -ELBO(x) = E_q[-log p(x | z)] + KL(q(z | x) || p(z))
// estimated with one reparameterised sample, from the per-sample terms [N] of likelihood.h
// and nn::functional::kl_normal_standard / kl_normal_normal. β weights the KL term (β-VAE;
// β < 1 during a warm-up that lets the decoder learn before the prior pulls the codes together):
//
//   KLWarmup warmup({.beta = 1, .steps = 2000});
//   ELBO terms = elbo_loss(bernoulli_nll(x, logits), kl, {.beta = warmup.beta(step)});
//   terms.loss.backward();
#include <cstdint>

#include "nabla/nn/functional/loss.h"

namespace nabla::generative {

struct ELBOOptions {
  double beta = 1;                                // the KL weight, >= 0
  nn::Reduction reduction = nn::Reduction::Mean;  // over the batch: Mean, or Sum (the tutorial's)
};

// The reduced terms; loss = reconstruction + beta · kl, the negative ELBO when beta is 1.
struct ELBO {
  Tensor loss{};
  Tensor reconstruction{};
  Tensor kl{};
};

// reconstruction and kl are per-sample terms of the same shape [N].
ELBO elbo_loss(const Tensor& reconstruction, const Tensor& kl, const ELBOOptions& options = {});

struct KLWarmupOptions {
  double beta = 1;    // the weight reached at the end of the warm-up, >= 0
  int64_t steps = 0;  // steps of the linear ramp from 0 (0: no warm-up)
};

// Linear KL warm-up: beta(step) = options.beta · min(1, step / steps), for steps 0, 1, ...
class KLWarmup {
 public:
  explicit KLWarmup(KLWarmupOptions options = {});
  double beta(int64_t step) const;

  KLWarmupOptions options;
};

}  // namespace nabla::generative
