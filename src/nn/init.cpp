#include "nabla/nn/init.h"

#include <cmath>
#include <string>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"

namespace nabla::nn::init {
namespace {

void check_defined(const Tensor& t, const char* op) { NABLA_CHECK(t.defined(), op, "undefined tensor"); }

int64_t correct_fan(const Tensor& t, std::string_view mode, const char* op) {
  NABLA_CHECK(mode == "fan_in" || mode == "fan_out", op, "mode ", mode,
              " not supported, please use one of fan_in, fan_out");
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode == "fan_in" ? fan_in : fan_out;
}

// Thin QR of a row-major matrix a [m, n] with m >= n, by Householder
// reflections in double. Returns Q [m, n] with each column j multiplied by sign(R[j][j]).
std::vector<double> signed_q(std::vector<double> a, int64_t m, int64_t n) {
  std::vector<std::vector<double>> reflectors;
  std::vector<double> diag(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    std::vector<double> v(static_cast<size_t>(m - k));
    double norm2 = 0;
    for (int64_t i = k; i < m; ++i) {
      v[i - k] = a[i * n + k];
      norm2 += v[i - k] * v[i - k];
    }
    const double norm = std::sqrt(norm2);
    // Reflect x onto alpha e1, alpha of the sign opposite to x0 so v = x - alpha e1 does not cancel.
    const double alpha = v[0] > 0 ? -norm : norm;
    diag[k] = alpha;
    v[0] -= alpha;
    double vnorm2 = 0;
    for (double x : v) vnorm2 += x * x;
    if (vnorm2 > 0) {
      for (int64_t j = k; j < n; ++j) {
        double s = 0;
        for (int64_t i = k; i < m; ++i) s += v[i - k] * a[i * n + j];
        s *= 2 / vnorm2;
        for (int64_t i = k; i < m; ++i) a[i * n + j] -= s * v[i - k];
      }
    }
    reflectors.push_back(std::move(v));
  }
  // Q = H_0 ... H_{n-1} applied to the first n columns of the identity.
  std::vector<double> q(static_cast<size_t>(m * n), 0.0);
  for (int64_t j = 0; j < n; ++j) q[j * n + j] = 1;
  for (int64_t k = n - 1; k >= 0; --k) {
    const std::vector<double>& v = reflectors[k];
    double vnorm2 = 0;
    for (double x : v) vnorm2 += x * x;
    if (vnorm2 == 0) continue;
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t i = k; i < m; ++i) s += v[i - k] * q[i * n + j];
      s *= 2 / vnorm2;
      for (int64_t i = k; i < m; ++i) q[i * n + j] -= s * v[i - k];
    }
  }
  for (int64_t j = 0; j < n; ++j) {
    const double sign = (diag[j] > 0) - (diag[j] < 0);  // torch.sign: 0 stays 0
    for (int64_t i = 0; i < m; ++i) q[i * n + j] *= sign;
  }
  return q;
}

}  // namespace

double calculate_gain(std::string_view nonlinearity, std::optional<double> param) {
  static constexpr std::string_view kLinear[] = {"linear",           "conv1d",           "conv2d",          "conv3d",
                                                 "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid"};
  for (std::string_view name : kLinear)
    if (nonlinearity == name) return 1;
  if (nonlinearity == "tanh") return 5.0 / 3;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    const double slope = param.value_or(0.01);
    NABLA_CHECK(std::isfinite(slope), "calculate_gain", "negative_slope ", slope, " not a valid number");
    return std::sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4;
  detail::fail("calculate_gain", "unsupported nonlinearity ", nonlinearity);
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  check_defined(t, "calculate_fan_in_and_fan_out");
  NABLA_CHECK(t.dim() >= 2, "calculate_fan_in_and_fan_out",
              "fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got shape ", t.shape());
  int64_t receptive = 1;
  for (int d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

Tensor uniform_(const Tensor& t, double a, double b) {
  check_defined(t, "uniform_");
  return nabla::uniform_(t, a, b);
}

Tensor normal_(const Tensor& t, double mean, double std) {
  check_defined(t, "normal_");
  return nabla::normal_(t, mean, std);
}

Tensor constant_(const Tensor& t, double value) {
  check_defined(t, "constant_");
  NoGradGuard guard;
  Tensor h = t;
  h.fill_(value);
  return t;
}

Tensor zeros_(const Tensor& t) { return constant_(t, 0); }
Tensor ones_(const Tensor& t) { return constant_(t, 1); }

Tensor eye_(const Tensor& t) {
  check_defined(t, "eye_");
  NABLA_CHECK(t.dim() == 2, "eye_", "only tensors with 2 dimensions are supported, got shape ", t.shape());
  NoGradGuard guard;
  Tensor h = t;
  h.copy_(eye(t.size(0), t.size(1), {.dtype = t.dtype()}));
  return t;
}

Tensor xavier_uniform_(const Tensor& t, double gain) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  const double a = std::sqrt(3.0) * gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return nabla::uniform_(t, -a, a);
}

Tensor xavier_normal_(const Tensor& t, double gain) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return nabla::normal_(t, 0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)));
}

Tensor kaiming_uniform_(const Tensor& t, double a, std::string_view mode, std::string_view nonlinearity) {
  check_defined(t, "kaiming_uniform_");
  if (t.numel() == 0) return t;  // PyTorch warns and leaves it alone
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(t, mode, "kaiming_uniform_")));
  const double bound = std::sqrt(3.0) * std;
  return nabla::uniform_(t, -bound, bound);
}

Tensor kaiming_normal_(const Tensor& t, double a, std::string_view mode, std::string_view nonlinearity) {
  check_defined(t, "kaiming_normal_");
  if (t.numel() == 0) return t;
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(t, mode, "kaiming_normal_")));
  return nabla::normal_(t, 0, std);
}

Tensor orthogonal_(const Tensor& t, double gain) {
  check_defined(t, "orthogonal_");
  NABLA_CHECK(t.dim() >= 2, "orthogonal_", "only tensors with 2 or more dimensions are supported, got shape ",
              t.shape());
  if (t.numel() == 0) return t;
  const int64_t rows = t.size(0), cols = t.numel() / rows;
  const std::vector<double> draws = nabla::normal_(empty({rows, cols}, {.dtype = kFloat64})).to_vector<double>();
  // Work on the tall orientation (m >= n): the transpose of a wide matrix.
  const bool wide = rows < cols;
  const int64_t m = wide ? cols : rows, n = wide ? rows : cols;
  std::vector<double> a(draws.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) (wide ? a[j * n + i] : a[i * n + j]) = draws[i * cols + j];
  const std::vector<double> q = signed_q(std::move(a), m, n);
  std::vector<double> out(q.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = gain * (wide ? q[j * n + i] : q[i * n + j]);
  NoGradGuard guard;
  Tensor h = t.view({rows, cols});
  h.copy_(from_vector(out, {rows, cols}));
  return t;
}

}  // namespace nabla::nn::init
