#include "nabla/timeseries/loss.h"

#include "nabla/nn/functional/loss.h"
#include "src/timeseries/check.h"

namespace nabla::timeseries {
namespace {

// The loss of NARX predictions [N, ny] or [B, N, ny] against y's steps from max_lag() on.
Tensor loss_of(const Tensor& predictions, const Tensor& y, const PredictionLossOptions& options) {
  const Tensor records = detail::as_batched(y, "prediction_loss", "y");
  const int64_t first = options.narx.max_lag(), n = records.size(1) - first;
  NABLA_CHECK(options.washout >= 0 && options.washout < n, "prediction_loss", "a washout of ",
              options.washout, " steps leaves none of the ", n, " predicted steps (", records.size(1),
              " steps, the first ", first, " initial conditions)");
  const Tensor predicted = y.dim() == 3 ? predictions : predictions.unsqueeze(0);
  return sequence_mse_loss(predicted, records.narrow(1, first, n), {.washout = options.washout});
}

}  // namespace

Tensor sequence_mse_loss(const Tensor& input, const Tensor& target, const SequenceLossOptions& options) {
  const char* op = "sequence_mse_loss";
  NABLA_CHECK(input.defined() && target.defined(), op, "undefined ", input.defined() ? "target" : "input");
  NABLA_CHECK(input.shape() == target.shape(), op, "input of shape ", input.shape(), " and target of shape ",
              target.shape(), " differ (no broadcasting here)");
  NABLA_CHECK(
      input.dim() >= 1 && input.dim() <= 3, op,
      "expected sequences [Q, L, C] ([L, Q, C] without batch_first) or one sequence [L, C] or [L], got "
      "shape ",
      input.shape());
  const int64_t time_dim = input.dim() == 3 && options.batch_first ? 1 : 0, steps = input.size(time_dim);
  NABLA_CHECK(options.washout >= 0 && options.washout < steps, op, "a washout of ", options.washout,
              " steps leaves none of the ", steps, " steps of each sequence");
  const int64_t kept = steps - options.washout;
  return nn::functional::mse_loss(input.narrow(time_dim, options.washout, kept),
                                  target.narrow(time_dim, options.washout, kept));
}

Tensor prediction_loss(const Predictor& model, const Tensor& y, const Tensor& u,
                       const PredictionLossOptions& options) {
  return loss_of(predict(model, y, u, {.narx = options.narx, .mode = options.mode}), y, options);
}

Tensor prediction_loss(RecurrentRegressor& model, const Tensor& y, const Tensor& u,
                       const PredictionLossOptions& options) {
  return loss_of(predict(model, y, u, {.narx = options.narx, .mode = options.mode}), y, options);
}

}  // namespace nabla::timeseries
