#pragma once
// NARX regressors (nonlinear autoregressive with exogenous input), system identification's
// model structure: the output y(k) is predicted from its own past and the input u's,
//
//   z(k) = [y(k-1), ..., y(k-na), u(k-d), ..., u(k-d-nb+1)],   ŷ(k) = f(z(k)),
//
// with input delay (dead time) d: d = 1 is the usual strictly causal case, d = 0 includes
// u(k) (direct feedthrough). With several channels each term contributes all of them, in
// order: z(k) = [y_0(k-1), y_1(k-1), ..., y_0(k-2), ...]. na = 0 gives an input-only (NFIR)
// model and nb = 0 (u undefined) a purely autoregressive one.
//
//   timeseries::NARXOptions o{.na = 2, .nb = 2, .delay = 1};
//   timeseries::Regression r = timeseries::narx_regressors(y, u, o);  // y, u [T]
//   // r.inputs [T - 2, 4]: row i is z(k) for k = i + 2, [y(k-1), y(k-2), u(k-1), u(k-2)]
//   // r.targets [T - 2, 1]: y(k)
//
// Rows start at the first k whose regressor lies inside the record, o.max_lag(). A
// feed-forward NARX model maps rows of r.inputs to ŷ(k); a recurrent one reads them as a
// sequence (nabla/timeseries/predict.h runs both, one step ahead or in free-run simulation).
#include <algorithm>
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::timeseries {

struct NARXOptions {
  int64_t na = 1;     // output lags y(k-1) .. y(k-na)
  int64_t nb = 1;     // input terms u(k-d) .. u(k-d-nb+1)
  int64_t delay = 1;  // d; 0 includes u(k)

  // The largest lag in z(k): the first k with a complete regressor.
  int64_t max_lag() const { return std::max(na, nb > 0 ? delay + nb - 1 : 0); }
};

struct Regression {
  Tensor inputs{};   // z(k): [N, na * ny + nb * nu], or [B, N, ...] for batched records
  Tensor targets{};  // y(k): [N, ny], or [B, N, ny]
};

// The regressors and targets of every k from max_lag() to T - 1 (N = T - max_lag() rows). y is
// [T], [T, ny] or a batch of records [B, T, ny]; u the same with nu channels and the same
// length (and batch), or undefined when nb = 0. Both floating, of one dtype, and finite.
// Differentiable in y and u.
Regression narx_regressors(const Tensor& y, const Tensor& u, const NARXOptions& options = {});

}  // namespace nabla::timeseries
