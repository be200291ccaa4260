#pragma once
// The accuracy measures of system identification and forecasting, computed in float64 from
// tensors of the same shape, (predictions, targets) as nabla::data's metrics:
//
//   double fit = timeseries::fit_percent(simulated, measured);   // the fit % of MATLAB's compare
//
// For [N] (one output) or [N, K] (each column separately, then averaged, as r2_score does):
//   rmse        sqrt(mean((y - ŷ)²))                       (data::rmse)
//   nrmse       ‖y - ŷ‖ / ‖y - ȳ‖: the RMSE over the targets' population standard deviation
//   fit_percent 100 (1 - nrmse): 100 is a perfect fit, 0 no better than the mean, negative worse
//   r2_score    1 - ‖y - ŷ‖² / ‖y - ȳ‖²                     (data::r2_score)
// A constant target column has no spread to normalise by: nrmse and fit_percent throw.
#include "nabla/data/metrics.h"
#include "nabla/tensor/tensor.h"

namespace nabla::timeseries {

using data::r2_score;
using data::rmse;

double nrmse(const Tensor& predictions, const Tensor& targets);
double fit_percent(const Tensor& predictions, const Tensor& targets);

}  // namespace nabla::timeseries
