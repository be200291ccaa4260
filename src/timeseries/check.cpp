#include "src/timeseries/check.h"

#include <cmath>
#include <vector>

#include "nabla/autograd/grad_mode.h"

namespace nabla::timeseries::detail {
namespace {

void check_floating(const Tensor& x, const char* op, const char* name) {
  NABLA_CHECK(x.defined(), op, name, " is undefined");
  NABLA_CHECK(x.is_floating_point(), op, name, " must be floating-point, got ", x.dtype());
}

}  // namespace

Tensor as_channels(const Tensor& series, const char* op, const char* name) {
  check_floating(series, op, name);
  NABLA_CHECK(series.dim() == 1 || series.dim() == 2, op, name, " must be a series [T] or [T, C], got shape ",
              series.shape());
  return series.dim() == 1 ? series.unsqueeze(1) : series;
}

Tensor as_batched(const Tensor& records, const char* op, const char* name) {
  check_floating(records, op, name);
  NABLA_CHECK(records.dim() >= 1 && records.dim() <= 3, op, name,
              " must be a record [T] or [T, C] or a batch of records [B, T, C], got shape ", records.shape());
  return records.dim() == 3 ? records : as_channels(records, op, name).unsqueeze(0);
}

void check_finite(const Tensor& x, const char* op, const char* name, const char* item, const char* step) {
  NoGradGuard no_grad;
  const std::vector<double> v = x.detach().to_vector<double>();
  const int64_t channels = x.size(-1), steps = x.size(-2);
  for (size_t i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i])) continue;
    const int64_t flat = static_cast<int64_t>(i), row = flat / channels % steps, channel = flat % channels;
    if (x.dim() == 3)
      nabla::detail::fail(op, name, " holds ", v[i], " at ", step, " ", row, ", channel ", channel, " of ",
                          item, " ", flat / channels / steps);
    nabla::detail::fail(op, name, " holds ", v[i], " at ", step, " ", row, ", channel ", channel);
  }
}

}  // namespace nabla::timeseries::detail
