#pragma once
// What narx_regressors and the NARX predictions share: the checked records and the one place
// that fixes the order of the terms in z(k).
#include <cstdint>
#include <functional>

#include "nabla/timeseries/narx.h"

namespace nabla::timeseries::detail {

// y and u as batches [B, T, ny] and [B, T, nu] (u undefined when nb = 0 and none is given).
struct Records {
  Tensor y{};
  Tensor u{};
  bool batched = false;  // whether y was given as [B, T, ny]
};

// Checks the options and the records for `op`: shapes, lengths, dtypes, a record longer than
// max_lag(), and finite values in u and in y's first `y_steps` steps (all of y when -1).
Records check_records(const Tensor& y, const Tensor& u, const NARXOptions& options, const char* op,
                      int64_t y_steps = -1);

// The regressors and targets of checked records, batched: [B, N, nz] and [B, N, ny].
Regression regression(const Records& records, const NARXOptions& options);

// z(k) = [y(k-1), ..., y(k-na), u(k-d), ..., u(k-d-nb+1)] along the last dim, from y_lag(j) =
// y(k-j) and u_lag(j) = u(k-j).
Tensor regressor(const NARXOptions& options, const std::function<Tensor(int64_t)>& y_lag,
                 const std::function<Tensor(int64_t)>& u_lag);

}  // namespace nabla::timeseries::detail
