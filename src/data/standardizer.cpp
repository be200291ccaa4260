#include "nabla/data/standardizer.h"

#include <cmath>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"

namespace nabla::data {
namespace {

// The state's tensor named `key`: 1-D floating with finite values, as float64.
Tensor read_entry(const StateDict& state, const char* key) {
  const Tensor* found = nullptr;
  for (const auto& [name, t] : state) {
    NABLA_CHECK(name == "mean" || name == "scale", "Standardizer::load_state_dict", "unexpected key '", name,
                "' in the state dict");
    if (name == key) found = &t;
  }
  NABLA_CHECK(found && found->defined(), "Standardizer::load_state_dict", "the state dict has no '", key,
              "'");
  NABLA_CHECK(found->dim() == 1 && found->is_floating_point(), "Standardizer::load_state_dict", "'", key,
              "' must be a 1-D floating-point tensor, got ", found->dtype(), " of shape ", found->shape());
  Tensor values = found->detach().to(kFloat64).clone();
  for (double v : values.to_vector<double>())
    NABLA_CHECK(std::isfinite(v), "Standardizer::load_state_dict", "'", key, "' holds a non-finite value ",
                v);
  return values;
}

}  // namespace

Standardizer& Standardizer::fit(const Tensor& x) {
  NABLA_CHECK(x.defined(), "Standardizer::fit", "undefined input");
  NABLA_CHECK(x.dim() == 2 && x.size(0) >= 1 && x.is_floating_point(), "Standardizer::fit",
              "expected a floating-point tensor [N, F] with N >= 1, got ", x.dtype(), " of shape ",
              x.shape());
  NoGradGuard no_grad;
  const Tensor xd = x.detach().to(kFloat64);
  Tensor mean = xd.mean({0});
  const Tensor std = nabla::std(xd, {0}, /*unbiased=*/false);
  // A NaN or infinity anywhere in a column makes its mean or std non-finite.
  const std::vector<double> m = mean.to_vector<double>(), s = std.to_vector<double>();
  for (size_t j = 0; j < m.size(); ++j)
    NABLA_CHECK(std::isfinite(m[j]) && std::isfinite(s[j]), "Standardizer::fit", "column ", j,
                " holds a NaN or infinite value");
  // Exact equality, not a small std: rounding leaves a constant column's std just above 0.
  const Tensor lo = amin(xd, {0});
  const Tensor constant = eq(amax(xd, {0}), lo);
  mean_ = where(constant, lo, mean);
  scale_ = where(constant, ones_like(std), std);
  return *this;
}

void Standardizer::check_input(const Tensor& x, const char* op) const {
  NABLA_CHECK(fitted(), op, "the standardizer is not fitted: call fit or load_state_dict first");
  NABLA_CHECK(x.defined(), op, "undefined input");
  NABLA_CHECK(x.is_floating_point(), op, "expected a floating-point tensor, got ", x.dtype());
  NABLA_CHECK(x.dim() >= 1 && x.size(-1) == num_features(), op, "expected ", num_features(),
              " features in the last dim, got shape ", x.shape());
}

Tensor Standardizer::transform(const Tensor& x) const {
  check_input(x, "Standardizer::transform");
  return (x - mean_.to(x.dtype())) / scale_.to(x.dtype());
}

Tensor Standardizer::inverse_transform(const Tensor& x) const {
  check_input(x, "Standardizer::inverse_transform");
  return x * scale_.to(x.dtype()) + mean_.to(x.dtype());
}

StateDict Standardizer::state_dict() const {
  NABLA_CHECK(fitted(), "Standardizer::state_dict", "the standardizer is not fitted");
  return {{"mean", mean_}, {"scale", scale_}};
}

void Standardizer::load_state_dict(const StateDict& state) {
  Tensor mean = read_entry(state, "mean"), scale = read_entry(state, "scale");
  NABLA_CHECK(mean.numel() == scale.numel(), "Standardizer::load_state_dict", "'mean' has ", mean.numel(),
              " features but 'scale' has ", scale.numel());
  for (double v : scale.to_vector<double>())
    NABLA_CHECK(v > 0, "Standardizer::load_state_dict", "'scale' must be positive, got ", v);
  mean_ = std::move(mean);
  scale_ = std::move(scale);
}

}  // namespace nabla::data
