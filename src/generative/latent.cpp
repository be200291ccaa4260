#include "nabla/generative/latent.h"

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/shape_ops.h"
#include "src/generative/check.h"

namespace nabla::generative {

Tensor interpolate(const Tensor& from, const Tensor& to, int64_t steps) {
  const char* op = "interpolate";
  detail::check_floating(from, "start code", op);
  detail::check_floating(to, "end code", op);
  NABLA_CHECK(from.shape() == to.shape(), op, "the codes have different shapes, ", from.shape(), " and ",
              to.shape());
  NABLA_CHECK(steps >= 2, op, "steps must be at least 2 (both ends), got ", steps);
  // t as [steps, 1, ...], broadcasting against the codes' shape.
  Shape t_shape{steps};
  for (int d = 0; d < from.dim(); ++d) t_shape.push_back(1);
  const Tensor t = linspace(0, 1, steps, {.dtype = from.dtype()}).view(t_shape);
  return add(from.unsqueeze(0), mul(t, sub(to, from).unsqueeze(0)));
}

}  // namespace nabla::generative
