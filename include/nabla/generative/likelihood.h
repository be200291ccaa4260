#pragma once
// The reconstruction term of the ELBO: the negative log-likelihood of the data under the
// decoder's distribution p(x | z), one value per sample (summed over every dim but the first,
// so images [N, C, H, W] and vectors [N, D] alike give [N]).
#include "nabla/tensor/tensor.h"

namespace nabla::generative {

// What the decoder's output parameterises.
enum class Likelihood {
  Bernoulli,  // logits of independent Bernoulli pixels (data in [0, 1])
  Gaussian,   // the mean of a diagonal Gaussian, with a learned or a fixed variance
};

// -log N(x; mu, exp(logvar)) = 0.5 Σ ((x - mu)² / exp(logvar) + logvar + log 2π). x and mu have
// the same shape [N, ...] (at least 2-D); logvar has that shape (learned per output) or
// broadcasts to it without growing it (a 0-d fixed log-variance, or one per feature).
Tensor gaussian_nll(const Tensor& x, const Tensor& mu, const Tensor& logvar);

// -log Bernoulli(x; sigmoid(logits)) = Σ binary_cross_entropy_with_logits(logits, x), from the
// logits in the stable form. x has the logits' shape [N, ...] with values in [0, 1] (soft
// targets, such as grey levels, are allowed).
Tensor bernoulli_nll(const Tensor& x, const Tensor& logits);

}  // namespace nabla::generative
