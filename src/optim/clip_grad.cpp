#include "nabla/optim/clip_grad.h"

#include <algorithm>
#include <cmath>

#include "nabla/autograd/grad_mode.h"
#include "src/tensor/loops.h"

namespace nabla::optim {
namespace {

constexpr int64_t kBlock = 16384;
constexpr int kLanes = 8;

// Σ |x|^p over n elements, in kLanes independent sums so the loop vectorises.
template <class T, class F>
double lane_sum(const T* x, int64_t n, F f) {
  double acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += f(static_cast<double>(x[i + k]));
  for (; i < n; ++i) acc[0] += f(static_cast<double>(x[i]));
  double s = 0;
  for (double a : acc) s += a;
  return s;
}

// max |x| over n elements, NaN if any element is NaN (torch.max propagates it).
template <class T>
double abs_max(const T* x, int64_t n) {
  double m = 0;
  bool nan = false;
  for (int64_t i = 0; i < n; ++i) {
    const double a = std::abs(static_cast<double>(x[i]));
    m = a > m ? a : m;
    nan |= a != a;
  }
  return nan ? std::nan("") : m;
}

double combine_max(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b);
}

// Σ |g|^p (or max |g| for p = inf) of one gradient. Blocks are reduced in parallel and
// combined in order, so the result does not depend on the number of threads.
double accumulate(const Tensor& grad, double p) {
  const Tensor g = grad.is_contiguous() ? grad : grad.contiguous();
  return dispatch_floating(g.dtype(), "clip_grad_norm_", [&](auto tag) {
    using T = decltype(tag);
    const T* x = g.data_ptr<T>();
    const int64_t n = g.numel(), blocks = (n + kBlock - 1) / kBlock;
    std::vector<double> part(static_cast<size_t>(blocks));
    nabla::detail::parallel_for(blocks, 2, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        const T* xb = x + b * kBlock;
        const int64_t m = std::min(kBlock, n - b * kBlock);
        if (std::isinf(p))
          part[b] = abs_max(xb, m);
        else if (p == 2)
          part[b] = lane_sum(xb, m, [](double v) { return v * v; });
        else if (p == 1)
          part[b] = lane_sum(xb, m, [](double v) { return std::abs(v); });
        else
          part[b] = lane_sum(xb, m, [p](double v) { return std::pow(std::abs(v), p); });
      }
    });
    double total = 0;
    for (double v : part) total = std::isinf(p) ? combine_max(total, v) : total + v;
    return total;
  });
}

template <class F>
void map_grads_inplace(const std::vector<Tensor>& parameters, F f) {
  NoGradGuard no_grad;
  for (Tensor p : parameters) {
    Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    // An expanded gradient (several elements on one memory location) must not be
    // written through; it becomes a private contiguous copy first.
    if (!g.is_contiguous()) g = g.contiguous();
    dispatch_floating(g.dtype(), "clip_grad", [&](auto tag) {
      using T = decltype(tag);
      nabla::detail::unary_loop<T, T>(g, g, [&](T v) { return f(v); });
    });
    g.storage()->bump_version();
  }
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  NABLA_CHECK(max_norm >= 0, "clip_grad_norm_", "max_norm must be non-negative, got ", max_norm);
  NABLA_CHECK(norm_type > 0, "clip_grad_norm_", "norm_type must be positive or kInf, got ", norm_type);
  const bool inf = std::isinf(norm_type);
  double acc = 0;
  bool any = false;
  for (const Tensor& p : parameters) {
    NABLA_CHECK(p.defined(), "clip_grad_norm_", "a parameter is an undefined tensor");
    if (!p.grad().defined()) continue;
    const double a = accumulate(p.grad(), norm_type);
    acc = inf ? combine_max(acc, a) : acc + a;
    any = true;
  }
  if (!any) return 0;
  const double total = inf              ? acc
                       : norm_type == 2 ? std::sqrt(acc)
                       : norm_type == 1 ? acc
                                        : std::pow(acc, 1 / norm_type);
  NABLA_CHECK(
      !error_if_nonfinite || std::isfinite(total), "clip_grad_norm_", "the total norm of order ", norm_type,
      " for gradients from `parameters` is non-finite, so it cannot be clipped. To disable "
      "this error and scale the gradients by the non-finite norm anyway, set error_if_nonfinite = false");
  const double coef = max_norm / (total + 1e-6);
  // Scaling by a coefficient clamped to 1 changes nothing, so only smaller ones (or NaN,
  // which PyTorch's clamp keeps) are applied.
  if (!(coef >= 1))
    map_grads_inplace(parameters, [coef](auto v) { return v * static_cast<decltype(v)>(coef); });
  return total;
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NABLA_CHECK(clip_value >= 0, "clip_grad_value_", "clip_value must be non-negative, got ", clip_value);
  for (const Tensor& p : parameters)
    NABLA_CHECK(p.defined(), "clip_grad_value_", "a parameter is an undefined tensor");
  map_grads_inplace(parameters, [clip_value](auto v) {
    using T = decltype(v);
    const T hi = static_cast<T>(clip_value), lo = -hi;
    return v < lo ? lo : v > hi ? hi : v;  // NaN stays NaN, as with torch.clamp
  });
}

}  // namespace nabla::optim
