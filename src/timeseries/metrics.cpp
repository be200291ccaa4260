#include "nabla/timeseries/metrics.h"

#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"

namespace nabla::timeseries {
namespace {

// ‖y - ŷ‖ / ‖y - ȳ‖ of every column of [N] or [N, K], averaged over the columns.
double mean_column_nrmse(const Tensor& predictions, const Tensor& targets, const char* op) {
  NABLA_CHECK(predictions.defined() && targets.defined(), op, "undefined ",
              predictions.defined() ? "targets" : "predictions");
  NABLA_CHECK(predictions.shape() == targets.shape(), op, "predictions of shape ", predictions.shape(),
              " and targets of shape ", targets.shape(), " differ (no broadcasting here)");
  NABLA_CHECK((targets.dim() == 1 || targets.dim() == 2) && targets.numel() > 0, op,
              "expected [N] or [N, K] with N >= 1, got shape ", targets.shape());
  NoGradGuard no_grad;
  const Tensor p = predictions.detach().to(kFloat64), t = targets.detach().to(kFloat64);
  const Tensor p2 = p.dim() == 1 ? p.unsqueeze(1) : p, t2 = t.dim() == 1 ? t.unsqueeze(1) : t;
  const std::vector<double> error = norm(p2 - t2, 2, {0}).to_vector<double>(),
                            spread = norm(t2 - t2.mean({0}, true), 2, {0}).to_vector<double>();
  double sum = 0;
  for (size_t k = 0; k < error.size(); ++k) {
    NABLA_CHECK(spread[k] > 0, op, "target column ", k, " is constant over its ", t2.size(0),
                " values: there is no spread to normalise the error by");
    sum += error[k] / spread[k];
  }
  return sum / static_cast<double>(error.size());
}

}  // namespace

double nrmse(const Tensor& predictions, const Tensor& targets) {
  return mean_column_nrmse(predictions, targets, "nrmse");
}

double fit_percent(const Tensor& predictions, const Tensor& targets) {
  return 100 * (1 - mean_column_nrmse(predictions, targets, "fit_percent"));
}

}  // namespace nabla::timeseries
