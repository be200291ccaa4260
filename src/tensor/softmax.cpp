// softmax, log_softmax and logsumexp. Each lane is shifted by its max before exp, so no
// term overflows. A lane along the last dim is a contiguous row, processed in cache with
// 16-way accumulators; along other dims, blocks of adjacent lanes are processed together.
#include <cmath>

#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/lanes.h"
#include "src/tensor/loops.h"
#include "src/tensor/vec_math.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;
using detail::kLaneBlock;
using detail::kRowStates;
using detail::Lanes;

// Sum over i < n of term(i), with independent partial sums so that it vectorises.
template <class T, class Term>
T row_sum(int64_t n, Term term) {
  T acc[kRowStates] = {};
  int64_t i = 0;
  for (; i + kRowStates <= n; i += kRowStates)
    for (int k = 0; k < kRowStates; ++k) acc[k] += term(i + k);
  for (; i < n; ++i) acc[0] += term(i);
  T s = 0;
  for (int k = 0; k < kRowStates; ++k) s += acc[k];
  return s;
}

template <class T>
T row_max(const T* x, int64_t n) {
  return detail::fold_row(detail::ExtremeAcc<T, true>{}, x, 0, n, 0);
}

// y = softmax (or log_softmax) of the lanes of x starting at x, y.
template <class T>
void softmax_lanes(const T* x, T* y, int64_t n, int64_t post, int64_t w, bool log) {
  if (post == 1) {
    // exp in a plain loop (vectorised best), summed from y while it is in cache; for
    // log_softmax y is only scratch space until the last loop.
    const T m = row_max(x, n);
    for (int64_t i = 0; i < n; ++i) y[i] = vec::exp(x[i] - m);
    const T s = row_sum<T>(n, [&](int64_t i) { return y[i]; });
    if (log) {
      const T ls = std::log(s);
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] - m - ls;
    } else {
      const T inv = T(1) / s;
      for (int64_t i = 0; i < n; ++i) y[i] *= inv;
    }
    return;
  }
  T m[kLaneBlock], s[kLaneBlock];
  for (int64_t j = 0; j < w; ++j) {
    m[j] = detail::ExtremeAcc<T, true>{}.init();
    s[j] = 0;
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < w; ++j) m[j] = detail::pick<true>(m[j], x[i * post + j]);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < w; ++j) {
      const T e = vec::exp(x[i * post + j] - m[j]);
      if (!log) y[i * post + j] = e;
      s[j] += e;
    }
  }
  if (log) {
    for (int64_t j = 0; j < w; ++j) s[j] = m[j] + std::log(s[j]);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < w; ++j) y[i * post + j] = x[i * post + j] - s[j];
  } else {
    for (int64_t j = 0; j < w; ++j) s[j] = T(1) / s[j];
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < w; ++j) y[i * post + j] *= s[j];
  }
}

// dx for softmax: y (g - sum(g y)); for log_softmax: g - exp(y) sum(g).
template <class T>
void softmax_backward_lanes(const T* g, const T* y, T* dx, int64_t n, int64_t post, int64_t w, bool log) {
  if (post == 1) {
    if (log) {
      const T s = row_sum<T>(n, [&](int64_t i) { return g[i]; });
      for (int64_t i = 0; i < n; ++i) dx[i] = g[i] - vec::exp(y[i]) * s;
    } else {
      const T s = row_sum<T>(n, [&](int64_t i) { return g[i] * y[i]; });
      for (int64_t i = 0; i < n; ++i) dx[i] = y[i] * (g[i] - s);
    }
    return;
  }
  T s[kLaneBlock] = {};
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < w; ++j) s[j] += log ? g[i * post + j] : g[i * post + j] * y[i * post + j];
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < w; ++j) {
      const int64_t k = i * post + j;
      dx[k] = log ? g[k] - vec::exp(y[k]) * s[j] : y[k] * (g[k] - s[j]);
    }
  }
}

// Saved 0: the output y; arg[0]: the dim; arg[1]: whether it is log_softmax.
TensorList softmax_rule(OpNode& n, const Tensor& g) {
  const Tensor y = n.saved(0);
  const int64_t dim = n.arg[0];
  const bool log = n.arg[1];
  if (GradMode::is_enabled()) {
    if (log) return {sub(g, mul(exp(y), sum(g, {dim}, true)))};
    return {mul(y, sub(g, sum(mul(g, y), {dim}, true)))};
  }
  const Tensor gc = g.contiguous();
  const Lanes l = detail::plan_lanes(y, {dim}, true, "softmax");
  Tensor dx = detail::empty(y.shape(), y.dtype());
  dispatch_floating(y.dtype(), "softmax", [&](auto v) {
    using T = decltype(v);
    const T* pg = static_cast<const T*>(gc.raw_data());
    const T* py = static_cast<const T*>(l.data.raw_data());
    T* pd = static_cast<T*>(dx.raw_data());
    detail::for_lane_blocks(l, [&](int64_t off, int64_t, int64_t w) {
      softmax_backward_lanes(pg + off, py + off, pd + off, l.n, l.post, w, log);
    });
  });
  return {dx};
}

Tensor softmax_impl(const Tensor& x, int64_t dim, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  NABLA_CHECK(x.defined(), name, "undefined tensor");
  const int d = wrap_dim(dim, x.dim(), name);
  Lanes l;
  {
    NoGradGuard guard;
    l = detail::plan_lanes(x.contiguous(), {d}, true, name);
  }
  Tensor y = detail::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), name, [&](auto v) {
    using T = decltype(v);
    const T* px = static_cast<const T*>(l.data.raw_data());
    T* py = static_cast<T*>(y.raw_data());
    detail::for_lane_blocks(
        l, [&](int64_t off, int64_t, int64_t w) { softmax_lanes(px + off, py + off, l.n, l.post, w, log); });
  });
  if (auto n = autograd::record(log ? "LogSoftmaxBackward" : "SoftmaxBackward", softmax_rule, {&x}, y)) {
    n->save(0, y, true);
    n->arg[0] = d;
    n->arg[1] = log;
  }
  return y;
}

// Sum of exp(v - shift[lane]).
template <class T>
struct SumExpAcc {
  using State = T;
  const T* shift;
  T init() const { return 0; }
  T step(T s, T v, int64_t, int64_t lane) const { return s + vec::exp(v - shift[lane]); }
  T merge(T a, T b) const { return a + b; }
};

// d logsumexp / dx = exp(x - logsumexp). Saved: 0 x, 1 the result.
TensorList logsumexp_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  const Tensor r = n.saved(1);
  const Tensor rk = r.shape() == n.shape ? r : reshape(r, n.shape);
  const Tensor gk = g.shape() == n.shape ? g : reshape(g, n.shape);
  if (GradMode::is_enabled()) return {mul(gk, exp(sub(x, rk)))};
  Tensor out = detail::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), "logsumexp", [&](auto v) {
    using T = decltype(v);
    detail::ternary_loop<T, T, T, T>(out, x, gk, rk, [](T a, T gv, T l) { return gv * vec::exp(a - l); });
  });
  return {out};
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, false); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, true); }

Tensor logsumexp(const Tensor& x, const DimList& dims, bool keepdim) {
  NABLA_CHECK(x.defined(), "logsumexp", "undefined tensor");
  // Integers are promoted to float32, as PyTorch does.
  const Tensor xf = x.is_floating_point() ? x : x.to(kFloat32);
  const Lanes l = detail::plan_lanes(xf, dims, keepdim, "logsumexp");
  Tensor out = detail::empty(l.out_shape, xf.dtype());
  dispatch_floating(xf.dtype(), "logsumexp", [&](auto v) {
    using T = decltype(v);
    T* o = static_cast<T*>(out.raw_data());
    // The shift is the lane's max, or 0 when that is infinite (so that inf - inf does
    // not turn an infinite result into NaN). It is kept in `out`: each lane reads only
    // its own shift, before its result overwrites it.
    detail::fold_lanes<T>(l, detail::ExtremeAcc<T, true>{},
                          [&](int64_t lane, T m) { o[lane] = std::isinf(m) ? T(0) : m; });
    detail::fold_lanes<T>(l, SumExpAcc<T>{o}, [&](int64_t lane, T s) { o[lane] += std::log(s); });
  });
  if (auto n = autograd::record("LogsumexpBackward", logsumexp_rule, {&x}, out)) {
    n->save(0, x);
    n->save(1, out, true);
    n->shape = l.keep_shape;
  }
  return out;
}

}  // namespace nabla
