#include "nabla/generative/elbo.h"

#include <algorithm>

#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/generative/check.h"

namespace nabla::generative {
namespace {

void check_beta(double beta, const char* op) {
  NABLA_CHECK(beta >= 0, op, "beta must be non-negative, got ", beta);
}

Tensor reduce_over_batch(const Tensor& t, nn::Reduction reduction) {
  switch (reduction) {
    case nn::Reduction::Mean:
      return mean(t);
    case nn::Reduction::Sum:
      return sum(t);
    case nn::Reduction::None:
      return t;
  }
  return t;
}

}  // namespace

ELBO elbo_loss(const Tensor& reconstruction, const Tensor& kl, const ELBOOptions& options) {
  const char* op = "elbo_loss";
  detail::check_floating(reconstruction, "reconstruction term", op);
  detail::check_floating(kl, "kl term", op);
  NABLA_CHECK(reconstruction.dim() == 1 && kl.shape() == reconstruction.shape(), op,
              "expected per-sample terms of the same shape [N], got reconstruction ", reconstruction.shape(),
              " and kl ", kl.shape());
  check_beta(options.beta, op);
  ELBO terms{.reconstruction = reduce_over_batch(reconstruction, options.reduction),
             .kl = reduce_over_batch(kl, options.reduction)};
  terms.loss = add(terms.reconstruction, terms.kl, options.beta);
  return terms;
}

KLWarmup::KLWarmup(KLWarmupOptions o) : options(o) {
  check_beta(o.beta, "KLWarmup");
  NABLA_CHECK(o.steps >= 0, "KLWarmup", "steps must be non-negative, got ", o.steps);
}

double KLWarmup::beta(int64_t step) const {
  NABLA_CHECK(step >= 0, "KLWarmup", "step must be non-negative, got ", step);
  if (options.steps == 0) return options.beta;
  return options.beta * std::min(1.0, static_cast<double>(step) / static_cast<double>(options.steps));
}

}  // namespace nabla::generative
