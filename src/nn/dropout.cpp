#include "nabla/nn/dropout.h"

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/random.h"
#include "src/nn/repr.h"

namespace nabla::nn {
namespace {

void check_p(double p, const char* op) {
  NABLA_CHECK(p >= 0 && p <= 1, op, "dropout probability has to be between 0 and 1, but got ", p);
}

// The scaled keep-mask in one pass: 1 / (1 - p) with probability 1 - p, else 0, drawn
// like bernoulli() so a seeded run is reproducible.
Tensor scaled_mask(const Shape& shape, DType dtype, double p) {
  Tensor mask = empty(shape, {.dtype = dtype});
  Generator& g = default_generator();
  const double keep = 1 - p;
  dispatch_floating(dtype, "dropout", [&](auto v) {
    using T = decltype(v);
    const T scale = static_cast<T>(1 / keep);
    T* m = mask.data_ptr<T>();
    for (int64_t i = 0; i < mask.numel(); ++i) m[i] = g.uniform() < keep ? scale : T(0);
  });
  return mask;
}

}  // namespace

namespace functional {

Tensor dropout(const Tensor& input, double p, bool training) {
  check_p(p, "dropout");
  NABLA_CHECK(input.defined(), "dropout", "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), "dropout", "expected a floating-point input, got ", input.dtype());
  if (!training || p == 0) return input;
  // Like PyTorch, p == 1 multiplies by zero (NaN and inf inputs stay NaN).
  if (p == 1) return mul(input, 0.0);
  return mul(input, scaled_mask(input.shape(), input.dtype(), p));
}

}  // namespace functional

Dropout::Dropout(DropoutOptions o) : options(o) { check_p(o.p, "Dropout"); }

Tensor Dropout::forward(const Tensor& x) { return functional::dropout(x, options.p, is_training()); }

std::string Dropout::extra_repr() const { return "p=" + internal::py_float(options.p) + ", inplace=False"; }

}  // namespace nabla::nn
