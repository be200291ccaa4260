#include "nabla/timeseries/windows.h"

#include <vector>

#include "nabla/tensor/shape_ops.h"
#include "src/timeseries/check.h"
#include "src/timeseries/free_run.h"

namespace nabla::timeseries {
namespace {

// `count` consecutive shifts of s [T, C], s[first + j : first + j + n] for j < count, stacked
// along `dim`: window i's step j is s[first + i + j].
Tensor shifted(const Tensor& s, int64_t first, int64_t count, int64_t n, int64_t dim) {
  std::vector<Tensor> shifts;
  for (int64_t j = 0; j < count; ++j) shifts.push_back(s.narrow(0, first + j, n));
  return stack(shifts, dim);
}

}  // namespace

Windows make_windows(const Tensor& series, const WindowOptions& options) {
  const char* op = "make_windows";
  const Tensor s = detail::as_channels(series, op, "the series");
  NABLA_CHECK(options.lags >= 1 && options.horizon >= 1, op, "lags and horizon must be at least 1, got lags ",
              options.lags, " and horizon ", options.horizon);
  const int64_t steps = s.size(0), n = steps - options.lags - options.horizon + 1;
  NABLA_CHECK(n >= 1, op, "lags ", options.lags, " + horizon ", options.horizon, " = ",
              options.lags + options.horizon, " steps are more than the series' ", steps);
  detail::check_finite(s, op, "the series");
  const int64_t time_dim = options.batch_first ? 1 : 0;
  return {.inputs = shifted(s, 0, options.lags, n, time_dim),
          .targets = options.horizon == 1 ? s.narrow(0, options.lags, n).clone()
                                          : shifted(s, options.lags, options.horizon, n, time_dim)};
}

Tensor forecast(const Predictor& model, const Tensor& windows, const ForecastOptions& options) {
  const char* op = "forecast";
  NABLA_CHECK(
      windows.defined() && windows.is_floating_point() && windows.dim() == 3, op,
      "windows must be a floating-point tensor [B, lags, C] (or [lags, B, C] without batch_first), got ",
      windows.defined() ? windows.shape() : Shape{});
  NABLA_CHECK(options.steps >= 1, op, "steps must be at least 1, got ", options.steps);
  const int64_t time_dim = options.batch_first ? 1 : 0, lags = windows.size(time_dim);
  NABLA_CHECK(lags >= 1, op, "the windows have no steps: shape ", windows.shape());
  detail::check_finite(options.batch_first ? windows : windows.transpose(0, 1), op, "the windows", "window");
  std::vector<Tensor> history = unbind(windows, time_dim);  // [B, C] per step
  const auto last_window = [&](const std::vector<Tensor>& h) {
    return stack(std::vector<Tensor>(h.end() - lags, h.end()), time_dim);
  };
  const Shape next{windows.size(1 - time_dim), windows.size(2)};
  return stack(detail::free_run(model, history, options.steps, last_window, next, op), time_dim);
}

}  // namespace nabla::timeseries
