#pragma once
// Diagonal Gaussians as the generative models use them: a mean and a log-variance of the same
// shape [N, D] (the log-variance is what networks output, so the variance exp(logvar) is
// always positive) and the reparameterisation trick.
//
//   DiagonalGaussian q = encoder(x);                           // q(z | x)
//   Tensor z = generative::reparameterize(q.mu, q.logvar);     // differentiable in mu and logvar
//   Tensor kl = nn::functional::kl_normal_standard(q.mu, q.logvar);  // [N], KL(q || N(0, I))
#include "nabla/tensor/tensor.h"

namespace nabla::generative {

struct DiagonalGaussian {
  Tensor mu{};
  Tensor logvar{};
};

// z = mu + eps · exp(0.5 logvar), differentiable in mu and logvar. eps is the noise, drawn from
// N(0, I) by the global generator when undefined (manual_seed makes it reproducible); a given eps
// broadcasts to mu's shape (one [1, D] draw shared by a whole batch is how the tutorial's CVAE
// draws a curve).
Tensor reparameterize(const Tensor& mu, const Tensor& logvar, const Tensor& eps = {});

}  // namespace nabla::generative
