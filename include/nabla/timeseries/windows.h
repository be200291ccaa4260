#pragma once
// Lagged windows of a series and free-run forecasts from them. Window i holds `lags`
// consecutive values, oldest first, and its target the `horizon` values after them:
//
//   // y = sin(pi x) at 66 steps, the seed's layout (lags, N, dim):
//   timeseries::Windows w = timeseries::make_windows(y, {.lags = 5, .batch_first = false});
//   // w.inputs [5, 61, 1]: inputs[j][i] = y[i + j];  w.targets [61, 1]: targets[i] = y[i + 5]
//   Tensor first = w.inputs.narrow(1, 0, 1);   // the first window, [5, 1, 1]
//   Tensor rollout = timeseries::forecast(model, first, {.steps = 95, .batch_first = false});
//
// With T steps there are N = T - lags - horizon + 1 windows. Batch-first inputs are [N, lags, C]
// (what data::TensorDataset and DataLoader slice), sequence-first ones [lags, N, C] (what a
// recurrent layer without batch_first reads).
#include <cstdint>

#include "nabla/tensor/tensor.h"
#include "nabla/timeseries/predictor.h"

namespace nabla::timeseries {

struct WindowOptions {
  int64_t lags = 1;         // past values in each window
  int64_t horizon = 1;      // future values in each target
  bool batch_first = true;  // inputs [N, lags, C]; false: [lags, N, C]
};

struct Windows {
  Tensor inputs{};
  // horizon 1: [N, C]. A longer horizon is a sequence in the inputs' layout: [N, horizon, C],
  // or [horizon, N, C] without batch_first (the layout of forecast's result).
  Tensor targets{};
};

// The windows of `series` ([T] or [T, C], floating, finite): new tensors in its dtype.
Windows make_windows(const Tensor& series, const WindowOptions& options = {});

struct ForecastOptions {
  int64_t steps = 1;
  bool batch_first = true;  // the layout of the windows and of the result
};

// Free-run (recursive) forecast from each window of `windows` ([B, lags, C], or [lags, B, C]
// without batch_first): `steps` values, one at a time, each predicted by `model` from the last
// `lags` values, where those after the window are the model's own earlier predictions. The
// model maps windows in that layout to the next value [B, C]. Returns [B, steps, C] ([steps, B,
// C] without batch_first). Differentiable: a loss on it back-propagates through the whole
// unrolled forecast (simulation-error training over a horizon of `steps`).
Tensor forecast(const Predictor& model, const Tensor& windows, const ForecastOptions& options = {});

}  // namespace nabla::timeseries
