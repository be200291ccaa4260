#include "nabla/timeseries/least_squares.h"

#include <cmath>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/linalg.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/timeseries/check.h"

namespace nabla::timeseries {
namespace {

constexpr const char* kOp = "fit_least_squares";

// Solves a x = b for every column of b [n, m], a [n, n] symmetric positive definite, both
// row-major, by Cholesky factorisation a = L Lᵀ. A pivot that vanishes (relative to its
// diagonal entry of a) means column j is a linear combination of the ones before it.
std::vector<double> cholesky_solve(std::vector<double> a, std::vector<double> b, int64_t n, int64_t m) {
  for (int64_t j = 0; j < n; ++j) {
    const double diagonal = a[j * n + j];
    double d = diagonal;
    for (int64_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    NABLA_CHECK(d > 1e-10 * diagonal && d > 0, kOp, "input column ", j,
                " is (numerically) a linear combination of the columns before it",
                diagonal == 0 ? " (it is constant)" : "", ": the solution is not unique; pass a ridge > 0");
    const double l = std::sqrt(d);
    a[j * n + j] = l;
    for (int64_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int64_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  for (int64_t c = 0; c < m; ++c) {  // L z = b, then Lᵀ x = z, in place in b's column c
    for (int64_t i = 0; i < n; ++i) {
      double s = b[i * m + c];
      for (int64_t k = 0; k < i; ++k) s -= a[i * n + k] * b[k * m + c];
      b[i * m + c] = s / a[i * n + i];
    }
    for (int64_t i = n - 1; i >= 0; --i) {
      double s = b[i * m + c];
      for (int64_t k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k * m + c];
      b[i * m + c] = s / a[i * n + i];
    }
  }
  return b;
}

}  // namespace

nn::Linear& fit_least_squares(nn::Linear& layer, const Tensor& inputs, const Tensor& targets,
                              const LeastSquaresOptions& options) {
  const int64_t in = layer.weight.size(1), out = layer.weight.size(0);
  NABLA_CHECK(
      inputs.defined() && targets.defined() && inputs.is_floating_point() && targets.is_floating_point(), kOp,
      "inputs and targets must be floating-point tensors");
  NABLA_CHECK(inputs.dim() == 2 && inputs.size(1) == in && targets.dim() == 2 && targets.size(1) == out &&
                  targets.size(0) == inputs.size(0),
              kOp, "a layer of ", in, " inputs and ", out, " outputs needs inputs [N, ", in,
              "] and targets [N, ", out, "], got ", inputs.shape(), " and ", targets.shape());
  NABLA_CHECK(options.ridge >= 0 && std::isfinite(options.ridge), kOp, "ridge must be non-negative, got ",
              options.ridge);
  const bool bias = layer.bias.defined();
  const int64_t n = inputs.size(0), unknowns = in + (bias ? 1 : 0);
  NABLA_CHECK(options.ridge > 0 || n >= unknowns, kOp, n, " samples cannot determine ", in, " weights",
              bias ? " and a bias" : "", " per output: at least ", unknowns, " are needed (or a ridge > 0)");
  detail::check_finite(inputs, kOp, "inputs", "record", "row");
  detail::check_finite(targets, kOp, "targets", "record", "row");

  NoGradGuard no_grad;
  Tensor x = inputs.detach().to(kFloat64), y = targets.detach().to(kFloat64);
  Tensor x_mean, y_mean;
  if (bias) {  // centred data: the bias drops out of the normal equations, so it is not penalised
    x_mean = x.mean({0});
    y_mean = y.mean({0});
    x = x - x_mean;
    y = y - y_mean;
  }
  const Tensor gram = matmul(x.t(), x) + eye(in, -1, {.dtype = kFloat64}) * options.ridge;
  const std::vector<double> solution = cholesky_solve(
      gram.contiguous().to_vector<double>(), matmul(x.t(), y).contiguous().to_vector<double>(), in, out);
  const Tensor weight_t = from_vector(solution, {in, out});  // Wᵀ
  layer.weight.copy_(weight_t.t());
  if (bias) layer.bias.copy_(y_mean - matmul(x_mean, weight_t));
  return layer;
}

}  // namespace nabla::timeseries
