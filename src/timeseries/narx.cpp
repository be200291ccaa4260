#include "nabla/timeseries/narx.h"

#include <vector>

#include "nabla/tensor/shape_ops.h"
#include "src/timeseries/check.h"
#include "src/timeseries/records.h"

namespace nabla::timeseries {
namespace detail {

Records check_records(const Tensor& y, const Tensor& u, const NARXOptions& options, const char* op,
                      int64_t y_steps) {
  NABLA_CHECK(options.na >= 0 && options.nb >= 0 && options.delay >= 0, op,
              "na, nb and delay must be non-negative, got na = ", options.na, ", nb = ", options.nb,
              ", delay = ", options.delay);
  NABLA_CHECK(options.na + options.nb > 0, op, "na and nb are both 0: the regressor would be empty");
  Records r{.y = as_batched(y, op, "y"), .batched = y.dim() == 3};
  const int64_t steps = r.y.size(1);
  NABLA_CHECK(u.defined() || options.nb == 0, op, "nb = ", options.nb, " input terms need an input u");
  if (u.defined()) {
    r.u = as_batched(u, op, "u");
    NABLA_CHECK(r.u.size(1) == steps, op, "y has ", steps, " steps but u has ", r.u.size(1), " (shapes ",
                y.shape(), " and ", u.shape(), ")");
    NABLA_CHECK(r.u.size(0) == r.y.size(0), op, "y holds ", r.y.size(0), " records but u holds ", r.u.size(0),
                " (shapes ", y.shape(), " and ", u.shape(), ")");
    NABLA_CHECK(r.u.dtype() == r.y.dtype(), op, "y is ", r.y.dtype(), " but u is ", r.u.dtype());
    check_finite(r.u, op, "u");
  }
  NABLA_CHECK(steps > options.max_lag(), op, "the record has ", steps, " steps, but na = ", options.na,
              ", nb = ", options.nb, ", delay = ", options.delay, " look back ", options.max_lag(),
              " steps: at least ", options.max_lag() + 1, " are needed");
  check_finite(r.y.narrow(1, 0, y_steps < 0 ? steps : y_steps), op, "y");
  return r;
}

Tensor regressor(const NARXOptions& options, const std::function<Tensor(int64_t)>& y_lag,
                 const std::function<Tensor(int64_t)>& u_lag) {
  std::vector<Tensor> terms;
  for (int64_t j = 1; j <= options.na; ++j) terms.push_back(y_lag(j));
  for (int64_t j = options.delay; j < options.delay + options.nb; ++j) terms.push_back(u_lag(j));
  return cat(terms, -1);
}

Regression regression(const Records& records, const NARXOptions& options) {
  const int64_t first = options.max_lag(), n = records.y.size(1) - first;
  const auto rows = [&](const Tensor& x) {
    return [&x, first, n](int64_t j) { return x.narrow(1, first - j, n); };
  };
  return {.inputs = regressor(options, rows(records.y), rows(records.u)),
          .targets = records.y.narrow(1, first, n).clone()};
}

}  // namespace detail

Regression narx_regressors(const Tensor& y, const Tensor& u, const NARXOptions& options) {
  const detail::Records r = detail::check_records(y, u, options, "narx_regressors");
  const Regression batched = detail::regression(r, options);
  if (r.batched) return batched;
  return {.inputs = batched.inputs.squeeze(0), .targets = batched.targets.squeeze(0)};
}

}  // namespace nabla::timeseries
