#include "nabla/generative/gaussian.h"

#include "nabla/tensor/math.h"
#include "nabla/tensor/random.h"
#include "src/generative/check.h"

namespace nabla::generative {

Tensor reparameterize(const Tensor& mu, const Tensor& logvar, const Tensor& eps) {
  const char* op = "reparameterize";
  detail::check_floating(mu, "mu", op);
  detail::check_floating(logvar, "logvar", op);
  NABLA_CHECK(logvar.shape() == mu.shape(), op, "logvar of shape ", logvar.shape(),
              " does not match mu of shape ", mu.shape());
  const Tensor noise = eps.defined() ? eps : randn(mu.shape(), {.dtype = mu.dtype()});
  detail::check_floating(noise, "eps", op);
  detail::check_broadcasts_to(noise, mu.shape(), "eps", op);
  return add(mu, mul(noise, exp(mul(logvar, 0.5))));
}

}  // namespace nabla::generative
