#pragma once
// Losses over sequences, the seeds' sub-sequence formulas: with Q sequences of L steps and a
// washout of w steps (skipped at the start of each, while a recurrent state or a simulation
// settles),
//
//   L^(q) = 1/(L - w) Σ_{t=w}^{L-1} mean_c (ŷ_q(t) - y_q(t))²,     loss = 1/Q Σ_q L^(q),
//
// and the same applied to a NARX model's predictions of a batch of records, one step ahead
// (prediction-error training) or in free run (simulation-error training):
//
//   timeseries::SubsequenceDataset pieces(u, y, {.length = 64, .stride = 32});
//   data::DataLoader loader(pieces, {.batch_size = 16, .shuffle = true});
//   for (const auto& [u_batch, y_batch] : loader) {     // [16, 64, nu], [16, 64, ny]
//     Tensor loss = timeseries::prediction_loss(mlp, y_batch, u_batch,
//                                               {.narx = o, .mode = timeseries::Prediction::FreeRun});
//     ...
#include <cstdint>

#include "nabla/tensor/tensor.h"
#include "nabla/timeseries/predict.h"

namespace nabla::timeseries {

struct SequenceLossOptions {
  int64_t washout = 0;      // steps left out at the start of every sequence
  bool batch_first = true;  // [Q, L, C]; false: [L, Q, C]
};

// The mean squared error over the steps >= washout of every sequence, input and target of
// the same shape ([Q, L, C], or [L, C] for one sequence). Differentiable in the input.
Tensor sequence_mse_loss(const Tensor& input, const Tensor& target, const SequenceLossOptions& options = {});

struct PredictionLossOptions {
  NARXOptions narx{};
  // OneStepAhead: prediction-error training. FreeRun: simulation-error training, back-
  // propagating through the model's simulation over the whole sequence.
  Prediction mode = Prediction::OneStepAhead;
  // Predicted steps left out at the start of each record (after its max_lag() initial steps).
  int64_t washout = 0;
};

// sequence_mse_loss of predict(model, y, u) against y(k) for k >= max_lag() + washout.
Tensor prediction_loss(const Predictor& model, const Tensor& y, const Tensor& u,
                       const PredictionLossOptions& options = {});
Tensor prediction_loss(RecurrentRegressor& model, const Tensor& y, const Tensor& u,
                       const PredictionLossOptions& options = {});

}  // namespace nabla::timeseries
