#pragma once
// Linear least squares into an nn::Linear, for the linear baselines of system identification
// (ARX from NARX regressors, AR from lagged windows):
//
//   timeseries::Regression r = timeseries::narx_regressors(y, u, {.na = 2, .nb = 2});
//   nn::Linear arx({.in_features = 4, .out_features = 1});
//   timeseries::fit_least_squares(arx, r.inputs, r.targets);   // arx is now the ARX model
#include "nabla/nn/linear.h"
#include "nabla/tensor/tensor.h"

namespace nabla::timeseries {

struct LeastSquaresOptions {
  // λ ≥ 0 of the ridge penalty λ‖W‖² (never on the bias); needed when inputs are collinear.
  double ridge = 0;
};

// Sets layer.weight [out, in] and layer.bias [out] (when it has one) to
//   argmin Σ_n ‖W x_n + b - y_n‖² + λ‖W‖²
// for inputs [N, in] and targets [N, out] (floating, finite), solved in float64 on centred data
// (so the bias is not penalised) from the normal equations by Cholesky factorisation. Without
// the ridge, linearly dependent inputs are an error, as is N too small to determine W and b.
// Returns the layer.
nn::Linear& fit_least_squares(nn::Linear& layer, const Tensor& inputs, const Tensor& targets,
                              const LeastSquaresOptions& options = {});

}  // namespace nabla::timeseries
