#include "nabla/timeseries/predict.h"

#include <vector>

#include "nabla/tensor/shape_ops.h"
#include "src/timeseries/free_run.h"
#include "src/timeseries/records.h"

namespace nabla::timeseries {
namespace {

// Whether the prediction feeds the model's outputs back: only a free run with output lags does.
bool feeds_back(const PredictOptions& options) {
  return options.mode == Prediction::FreeRun && options.narx.na > 0;
}

detail::Records checked(const Tensor& y, const Tensor& u, const PredictOptions& options) {
  // A free run reads only y's initial conditions, so only they must be finite.
  return detail::check_records(y, u, options.narx, "predict",
                               feeds_back(options) ? options.narx.max_lag() : -1);
}

// The free run of `step`, which maps z(k) [B, nz] to ŷ(k) [B, ny]: [B, N, ny].
Tensor simulate(const Predictor& step, const detail::Records& r, const NARXOptions& options) {
  const int64_t first = options.max_lag(), steps = r.y.size(1);
  std::vector<Tensor> history = unbind(r.y.narrow(1, 0, first), 1);  // y(0) .. y(first - 1), then ŷ(k)
  const auto input = [&](const std::vector<Tensor>& h) {
    const auto k = static_cast<int64_t>(h.size());
    return detail::regressor(
        options, [&](int64_t j) { return h[static_cast<size_t>(k - j)]; },
        [&](int64_t j) { return r.u.select(1, k - j); });
  };
  const Shape next{r.y.size(0), r.y.size(2)};
  return stack(detail::free_run(step, history, steps - first, input, next, "predict"), 1);
}

Tensor unbatched_if(const detail::Records& r, const Tensor& predictions) {
  return r.batched ? predictions : predictions.squeeze(0);
}

}  // namespace

Tensor predict(const Predictor& model, const Tensor& y, const Tensor& u, const PredictOptions& options) {
  const detail::Records r = checked(y, u, options);
  if (feeds_back(options)) return unbatched_if(r, simulate(model, r, options.narx));
  const Tensor z = detail::regression(r, options.narx).inputs;  // [B, N, nz]
  const Tensor rows = z.flatten(0, 1);
  const Tensor out = model(rows);
  const Shape expected{rows.size(0), r.y.size(2)};
  NABLA_CHECK(out.defined() && out.shape() == expected, "predict", "the model mapped regressors of shape ",
              rows.shape(), " to ", out.defined() ? out.shape() : Shape{}, ", expected ", expected);
  return unbatched_if(r, out.reshape({z.size(0), z.size(1), r.y.size(2)}));
}

Tensor predict(RecurrentRegressor& model, const Tensor& y, const Tensor& u, const PredictOptions& options,
               const nn::LSTMState& state) {
  const detail::Records r = checked(y, u, options);
  const int64_t ny = r.y.size(2),
                width = options.narx.na * ny + (options.narx.nb > 0 ? options.narx.nb * r.u.size(2) : 0);
  NABLA_CHECK(model.options.input_size == width && model.options.output_size == ny, "predict",
              "the model maps ", model.options.input_size, " inputs to ", model.options.output_size,
              " outputs, but the regressors have ", width, " values and y ", ny, " channels");
  // The model reads [B, T, nz] or [T, B, nz]; the records are batch-first.
  const int64_t time_dim = model.options.batch_first ? 1 : 0;
  if (feeds_back(options)) {
    nn::LSTMState carried = state;
    const auto step = [&](const Tensor& z) {
      RecurrentOutput out = model.forward_sequence(z.unsqueeze(time_dim), carried);
      carried = out.state;
      return out.output.select(time_dim, 0);
    };
    return unbatched_if(r, simulate(step, r, options.narx));
  }
  const Tensor z = detail::regression(r, options.narx).inputs;
  const Tensor out = model.forward_sequence(time_dim == 1 ? z : z.transpose(0, 1), state).output;
  return unbatched_if(r, time_dim == 1 ? out : out.transpose(0, 1));
}

}  // namespace nabla::timeseries
