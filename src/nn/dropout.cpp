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

std::string dropout_repr(double p) { return "p=" + internal::py_float(p) + ", inplace=False"; }

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

Tensor dropout2d(const Tensor& input, double p, bool training) {
  check_p(p, "dropout2d");
  NABLA_CHECK(input.defined(), "dropout2d", "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), "dropout2d", "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(input.dim() == 3 || input.dim() == 4, "dropout2d",
              "expected 3D (unbatched) or 4D (batched) input, got input of shape ", input.shape());
  if (!training || p == 0) return input;
  if (p == 1) return mul(input, 0.0);
  // One draw per channel, broadcast over its plane.
  Shape channels = input.shape();
  channels[channels.size() - 1] = 1;
  channels[channels.size() - 2] = 1;
  return mul(input, scaled_mask(channels, input.dtype(), p));
}

}  // namespace functional

Dropout::Dropout(DropoutOptions o) : options(o) { check_p(o.p, "Dropout"); }

Tensor Dropout::forward(const Tensor& x) { return functional::dropout(x, options.p, is_training()); }

std::string Dropout::extra_repr() const { return dropout_repr(options.p); }

Dropout2d::Dropout2d(DropoutOptions o) : options(o) { check_p(o.p, "Dropout2d"); }

Tensor Dropout2d::forward(const Tensor& x) { return functional::dropout2d(x, options.p, is_training()); }

std::string Dropout2d::extra_repr() const { return dropout_repr(options.p); }

}  // namespace nabla::nn
