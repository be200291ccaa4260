// kl_div and the closed-form KL divergences of diagonal Gaussians, composed of
// differentiable ops.
#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/nn/functional/loss_util.h"

namespace nabla::nn::functional {
namespace {

// t log t, 0 where t = 0: torch.xlogy(t, t). Like PyTorch's, its derivative at t = 0 is NaN.
Tensor xlogx(const Tensor& t) { return where(eq(t, 0.0), zeros_like(t), mul(t, log(t))); }

void check_gaussian(const Tensor& mu, const Tensor& other, const char* name, const char* op) {
  NABLA_CHECK(mu.defined() && other.defined(), op, "undefined tensor");
  NABLA_CHECK(mu.is_floating_point() && other.is_floating_point(), op,
              "expected floating-point tensors, got ", mu.dtype(), " and ", other.dtype());
  NABLA_CHECK(mu.dim() >= 1, op, "expected tensors of shape [..., latent_dim], got a 0-d mu");
  NABLA_CHECK(other.shape() == mu.shape(), op, name, " of shape ", other.shape(),
              " does not match mu of shape ", mu.shape());
}

}  // namespace

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivLossOptions& options) {
  const auto [x, t] = loss_detail::promote(input, target, "kl_div");
  loss_detail::check_same_shape(x, t, "kl_div");
  const Tensor loss = options.log_target ? mul(exp(t), sub(t, x)) : sub(xlogx(t), mul(t, x));
  switch (options.reduction) {
    case KLDivReduction::None:
      return loss;
    case KLDivReduction::Mean:
      return mean(loss);
    case KLDivReduction::Sum:
      return sum(loss);
    case KLDivReduction::BatchMean:
      return x.dim() == 0 ? sum(loss) : div(sum(loss), static_cast<double>(x.size(0)));
  }
  return loss;
}

Tensor kl_normal_standard(const Tensor& mu, const Tensor& logvar) {
  check_gaussian(mu, logvar, "logvar", "kl_normal_standard");
  return mul(sum(sub(sub(add(exp(logvar), square(mu)), 1.0), logvar), {-1}), 0.5);
}

Tensor kl_normal_normal(const Tensor& mu1, const Tensor& logvar1, const Tensor& mu2, const Tensor& logvar2) {
  const char* op = "kl_normal_normal";
  check_gaussian(mu1, logvar1, "logvar1", op);
  check_gaussian(mu1, mu2, "mu2", op);
  check_gaussian(mu1, logvar2, "logvar2", op);
  const Tensor ratio = div(add(exp(logvar1), square(sub(mu1, mu2))), exp(logvar2));
  return mul(sum(sub(add(sub(logvar2, logvar1), ratio), 1.0), {-1}), 0.5);
}

}  // namespace nabla::nn::functional
