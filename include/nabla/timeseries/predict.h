#pragma once
// Predicting a record with a NARX model (nabla/timeseries/narx.h), one step ahead or in
// free-run simulation, for feed-forward and recurrent models:
//
//   using timeseries::Prediction;
//   Tensor one_step = timeseries::predict(mlp, y, u, {.narx = o, .mode = Prediction::OneStepAhead});
//   Tensor simulated = timeseries::predict(mlp, y, u, {.narx = o});  // free run
//   double fit = timeseries::fit_percent(simulated, timeseries::narx_regressors(y, u, o).targets);
//
// Both return ŷ(k) for k = max_lag() .. T-1: [T - max_lag(), ny], or [B, T - max_lag(), ny] for
// batched records [B, T, ...] (y and u as for narx_regressors).
//   - OneStepAhead: every regressor holds the measured y (teacher forcing).
//   - FreeRun: simulation. Only the first max_lag() steps of y are read, as initial
//     conditions; after them each y(k-j) in z(k) is the model's own ŷ(k-j). The measured
//     input u is used throughout. This is how the model would run without its output being
//     measured, and the usual test of an identified model.
// Both are differentiable, so a loss on a free run back-propagates through the unrolled
// simulation (simulation-error training; nabla/timeseries/loss.h).
#include "nabla/nn/rnn.h"
#include "nabla/timeseries/narx.h"
#include "nabla/timeseries/predictor.h"
#include "nabla/timeseries/recurrent_regressor.h"

namespace nabla::timeseries {

enum class Prediction { OneStepAhead, FreeRun };

struct PredictOptions {
  NARXOptions narx{};
  Prediction mode = Prediction::FreeRun;
};

// A feed-forward model, mapping regressors [B, na * ny + nb * nu] to [B, ny].
Tensor predict(const Predictor& model, const Tensor& y, const Tensor& u, const PredictOptions& options = {});

// A recurrent model, reading the regressors as one sequence and carrying its state from step to
// step, from `state` (zeros by default; h [num_layers, B, hidden_size], B = 1 for a single
// record, and c for the LSTM). Its input_size is
// na * ny + nb * nu; with na = 0 (an input-only model, h(k) = f(h(k-1), u(k-d), ...)) the two
// modes are the same and the whole record runs as one sequence.
Tensor predict(RecurrentRegressor& model, const Tensor& y, const Tensor& u,
               const PredictOptions& options = {}, const nn::LSTMState& state = {});

}  // namespace nabla::timeseries
