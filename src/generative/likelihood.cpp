#include "nabla/generative/likelihood.h"

#include <cmath>
#include <numbers>

#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/generative/check.h"

namespace nabla::generative {
namespace {

// Sums the per-element terms of each sample: [N, ...] -> [N].
Tensor sum_per_sample(const Tensor& t) {
  DimList dims;
  for (int d = 1; d < t.dim(); ++d) dims.push_back(d);
  return sum(t, dims);
}

void check_same_shape(const Tensor& x, const Tensor& other, const char* name, const char* op) {
  NABLA_CHECK(x.shape() == other.shape(), op, "x of shape ", x.shape(), " does not match ", name,
              " of shape ", other.shape());
}

}  // namespace

Tensor gaussian_nll(const Tensor& x, const Tensor& mu, const Tensor& logvar) {
  const char* op = "gaussian_nll";
  detail::check_batch(x, "x", op);
  detail::check_floating(mu, "mu", op);
  detail::check_floating(logvar, "logvar", op);
  check_same_shape(x, mu, "mu", op);
  detail::check_broadcasts_to(logvar, mu.shape(), "logvar", op);
  // From the log-variance, so unlike gaussian_nll_loss's variance nothing needs clamping away
  // from 0, and a fixed variance (0-d logvar) costs no full-size exp.
  const Tensor terms =
      add(add(mul(square(sub(x, mu)), exp(neg(logvar))), logvar), std::log(2 * std::numbers::pi));
  return mul(sum_per_sample(terms), 0.5);
}

Tensor bernoulli_nll(const Tensor& x, const Tensor& logits) {
  const char* op = "bernoulli_nll";
  detail::check_batch(logits, "logits", op);
  detail::check_floating(x, "x", op);
  check_same_shape(x, logits, "logits", op);
  return sum_per_sample(
      nn::functional::binary_cross_entropy_with_logits(logits, x, {.reduction = nn::Reduction::None}));
}

}  // namespace nabla::generative
