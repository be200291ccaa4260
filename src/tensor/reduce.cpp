// Statistics and extrema over dims: prod, var, std, norm, max, min, amax, amin, argmax,
// argmin. Derivatives follow PyTorch's formulas, including its conventions at zeros and
// ties; the hot ones (var, max along a dim) have a fused form for plain backward.
#include "nabla/tensor/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/lanes.h"
#include "src/tensor/loops.h"
#include "src/tensor/reduction.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;
using detail::Lanes;

// A tensor of the reduced shape, reshaped so that it broadcasts against the input.
Tensor kept(const OpNode& n, const Tensor& t) { return t.shape() == n.shape ? t : reshape(t, n.shape); }

// A new tensor of the result shape with out[lane] = finish(fold of the lane).
template <class T, class Acc, class Finish>
Tensor reduce_lanes(const Lanes& l, const Acc& acc, Finish finish) {
  Tensor out = detail::empty(l.out_shape, dtype_of<T>());
  T* o = static_cast<T*>(out.raw_data());
  detail::fold_lanes<T>(l, acc, [&](int64_t lane, typename Acc::State s) { o[lane] = finish(s); });
  return out;
}

template <class T>
struct SumAcc {
  using State = T;
  T init() const { return 0; }
  T step(T s, T v, int64_t, int64_t) const { return s + v; }
  T merge(T a, T b) const { return a + b; }
};

// ---- prod ----------------------------------------------------------------------

template <class T>
struct ProdAcc {
  using State = T;
  T init() const { return 1; }
  T step(T s, T v, int64_t, int64_t) const { return s * v; }
  T merge(T a, T b) const { return a * b; }
};

bool has_zero(const Tensor& x) {
  const Tensor c = x.detach().contiguous();
  return dispatch_floating(c.dtype(), "prod", [&](auto v) {
    using T = decltype(v);
    const T* p = static_cast<const T*>(c.raw_data());
    return std::find(p, p + c.numel(), T(0)) != p + c.numel();
  });
}

// The product of the other elements of each lane along `dim`: the derivative of prod
// where the lane holds zeros, so that dividing the product by x is no option.
Tensor prod_of_others(const Tensor& x, int dim) {
  if (GradMode::is_enabled()) {
    // Row i of the [..., n, n] matrix is the lane with its element i replaced by 1.
    const int64_t n = x.size(dim);
    const Tensor off_diagonal = ne(eye(n, n, {.dtype = x.dtype()}), 1.0);
    const Tensor rows = where(off_diagonal, unsqueeze(transpose(x, dim, -1), -2), 1.0);
    return transpose(prod(rows, -1), dim, -1);
  }
  const Lanes l = detail::plan_lanes(x.contiguous(), {dim}, true, "prod");
  Tensor out = detail::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), "prod", [&](auto v) {
    using T = decltype(v);
    const T* p = static_cast<const T*>(l.data.raw_data());
    T* q = static_cast<T*>(out.raw_data());
    const int64_t n = l.n, post = l.post;
    detail::parallel_for(l.count(), std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(n, 1)),
                         [&](int64_t b, int64_t e) {
                           for (int64_t lane = b; lane < e; ++lane) {
                             const int64_t start = lane / post * n * post + lane % post;
                             // Exclusive prefix products, then times exclusive suffix products.
                             T acc = 1;
                             for (int64_t i = 0; i < n; ++i) {
                               q[start + i * post] = acc;
                               acc *= p[start + i * post];
                             }
                             acc = 1;
                             for (int64_t i = n - 1; i >= 0; --i) {
                               q[start + i * post] *= acc;
                               acc *= p[start + i * post];
                             }
                           }
                         });
  });
  return out;
}

// arg[0]: the reduced dim, or -1 for all elements; arg[1]: the lane length.
TensorList prod_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  const Tensor gk = kept(n, g);
  if (n.arg[1] == 1) return {reshape(gk, x.shape())};
  if (!has_zero(x)) return {div(mul(gk, kept(n, n.saved(1))), x)};
  if (n.arg[0] < 0) return {mul(gk, reshape(prod_of_others(reshape(x, {-1}), 0), x.shape()))};
  return {mul(gk, prod_of_others(x, static_cast<int>(n.arg[0])))};
}

Tensor prod_over(const Tensor& x, const DimList& dims, bool keepdim) {
  NABLA_CHECK(x.defined(), "prod", "undefined tensor");
  if (x.dtype() == kBool) return prod_over(x.to(kInt64), dims, keepdim);
  const Lanes l = detail::plan_lanes(x, dims, keepdim, "prod");
  Tensor out = dispatch(x.dtype(), [&](auto v) {
    using T = decltype(v);
    if constexpr (std::is_same_v<T, bool>)
      return Tensor();
    else
      return reduce_lanes<T>(l, ProdAcc<T>{}, [](T s) { return s; });
  });
  if (auto n = autograd::record("ProdBackward", prod_rule, {&x}, out)) {
    n->save(0, x);
    n->save(1, out, true);
    n->shape = l.keep_shape;
    n->arg[0] = l.dims.size() == 1 ? l.dims[0] : -1;
    n->arg[1] = l.n;
  }
  return out;
}

// ---- var and std ------------------------------------------------------------------

// Sum of (v - mean[lane])^2: the second pass of the two-pass variance, which unlike a
// one-pass sum of squares does not cancel catastrophically.
template <class T>
struct SquaredDeviationAcc {
  using State = T;
  const T* mean;
  T init() const { return 0; }
  T step(T s, T v, int64_t, int64_t lane) const {
    const T d = v - mean[lane];
    return s + d * d;
  }
  T merge(T a, T b) const { return a + b; }
};

struct Moments {
  Tensor var;   // result shape (the standard deviation for std)
  Tensor mean;  // kept-dims shape, saved for the backward
  Lanes lanes;
};

// The variance (or its square root, for std) and the mean of each lane.
Moments moments(const Tensor& x, const DimList& dims, bool unbiased, bool keepdim, bool root,
                const char* name) {
  NABLA_CHECK(x.defined(), name, "undefined tensor");
  Moments m;
  m.lanes = detail::plan_lanes(x, dims, keepdim, name);
  const Lanes& l = m.lanes;
  dispatch_floating(x.dtype(), name, [&](auto v) {
    using T = decltype(v);
    m.mean = detail::empty(l.keep_shape, x.dtype());
    T* mu = static_cast<T*>(m.mean.raw_data());
    const T n = static_cast<T>(l.n);
    detail::fold_lanes<T>(l, SumAcc<T>{}, [&](int64_t lane, T s) { mu[lane] = s / n; });
    // Like PyTorch, N <= correction divides by 0 and yields NaN (or inf).
    const T denom = static_cast<T>(std::max<int64_t>(l.n - unbiased, 0));
    m.var = reduce_lanes<T>(l, SquaredDeviationAcc<T>{mu},
                            [denom, root](T s) { return root ? std::sqrt(s / denom) : s / denom; });
  });
  return m;
}

// d var / dx = 2 (x - mean) / (N - correction), times gv (the kept-dims gradient of var).
// scalar[0] holds 2 / (N - correction); saved: 0 x, 1 the mean.
Tensor var_grad(OpNode& n, const Tensor& gv) {
  const Tensor x = n.saved(0);
  const double scale = n.scalar[0];
  if (GradMode::is_enabled()) return mul(mul(sub(x, mean(x, n.dims, true)), gv), scale);
  const Tensor mu = n.saved(1);
  Tensor out = detail::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), "var", [&](auto v) {
    using T = decltype(v);
    const T s = static_cast<T>(scale);
    detail::ternary_loop<T, T, T, T>(out, x, gv, mu, [s](T a, T g, T m) { return (a - m) * g * s; });
  });
  return out;
}

TensorList var_rule(OpNode& n, const Tensor& g) { return {var_grad(n, kept(n, g))}; }

// d std = d var / (2 std), taken as 0 where std is 0 (PyTorch's convention). Saved 2: std.
TensorList std_rule(OpNode& n, const Tensor& g) {
  const Tensor s = kept(n, n.saved(2));
  return {var_grad(n, where(ne(s, 0.0), div(kept(n, g), mul(s, 2.0)), 0.0))};
}

Tensor record_moments(const Tensor& x, const Moments& m, bool unbiased, bool is_std) {
  Tensor out = m.var;
  if (auto n =
          autograd::record(is_std ? "StdBackward" : "VarBackward", is_std ? std_rule : var_rule, {&x}, out)) {
    n->save(0, x);
    n->save(1, m.mean);
    if (is_std) n->save(2, out, true);
    n->shape = m.lanes.keep_shape;
    n->dims = m.lanes.dims;
    n->scalar[0] = 2.0 / static_cast<double>(std::max<int64_t>(m.lanes.n - unbiased, 0));
  }
  return out;
}

// ---- norm ---------------------------------------------------------------------------

enum class NormKind { Zero, One, Two, Inf, NegInf, General };

NormKind norm_kind(double p) {
  if (p == 0) return NormKind::Zero;
  if (p == 1) return NormKind::One;
  if (p == 2) return NormKind::Two;
  if (p == INFINITY) return NormKind::Inf;
  if (p == -INFINITY) return NormKind::NegInf;
  return NormKind::General;
}

template <class T, NormKind K>
struct NormAcc {
  using State = T;
  T p;
  T init() const { return K == NormKind::NegInf ? std::numeric_limits<T>::infinity() : T(0); }
  T step(T s, T v, int64_t, int64_t) const {
    if constexpr (K == NormKind::Zero)
      return s + T(v != 0);
    else if constexpr (K == NormKind::One)
      return s + std::abs(v);
    else if constexpr (K == NormKind::Two)
      return s + v * v;
    else if constexpr (K == NormKind::Inf)
      return detail::pick<true>(s, std::abs(v));
    else if constexpr (K == NormKind::NegInf)
      return detail::pick<false>(s, std::abs(v));
    else
      return s + std::pow(std::abs(v), p);
  }
  T merge(T a, T b) const {
    if constexpr (K == NormKind::Inf)
      return detail::pick<true>(a, b);
    else if constexpr (K == NormKind::NegInf)
      return detail::pick<false>(a, b);
    else
      return a + b;
  }
  T finish(T s) const {
    if constexpr (K == NormKind::Two)
      return std::sqrt(s);
    else if constexpr (K == NormKind::General)
      return std::pow(s, 1 / p);
    else
      return s;
  }
};

template <class T, NormKind K>
Tensor norm_kernel(const Lanes& l, double p) {
  const NormAcc<T, K> acc{static_cast<T>(p)};
  // The norm of nothing is 0 for every p, as in torch.norm.
  return reduce_lanes<T>(l, acc, [&](T s) { return l.n == 0 ? T(0) : acc.finish(s); });
}

// PyTorch's norm_backward; scalar[0] is p. Saved: 0 x, 1 the norm.
TensorList norm_rule(OpNode& n, const Tensor& g) {
  const double p = n.scalar[0];
  const Tensor x = n.saved(0);
  const Tensor gk = kept(n, g), nk = kept(n, n.saved(1));
  switch (norm_kind(p)) {
    case NormKind::Zero:
      return {zeros_like(x)};
    case NormKind::One:
      return {mul(sign(x), gk)};
    case NormKind::Two:
      return {mul(x, where(ne(nk, 0.0), div(gk, nk), 0.0))};
    case NormKind::Inf:
    case NormKind::NegInf: {
      // Shared evenly among the elements whose |x| is the norm (or NaN, when the norm is).
      const Tensor ax = abs(x);
      const Tensor hit = logical_or(eq(ax, nk), logical_and(ne(ax, ax), ne(nk, nk))).to(x.dtype());
      return {mul(sign(x), mul(div(gk, sum(hit, n.dims, true)), hit))};
    }
    case NormKind::General:
      break;
  }
  if (p < 1) {
    const Tensor scaled = where(eq(x, 0.0), zeros_like(x), mul(sign(x), pow(abs(x), p - 1)));
    return {mul(scaled, mul(gk, pow(nk, 1 - p)))};
  }
  const Tensor scale = where(ne(nk, 0.0), div(gk, pow(nk, p - 1)), 0.0);
  if (p < 2) return {mul(mul(sign(x), pow(abs(x), p - 1)), scale)};
  return {mul(mul(x, pow(abs(x), p - 2)), scale)};
}

// ---- max, min, amax, amin, argmax, argmin --------------------------------------------

void check_nonempty(const Lanes& l, const Tensor& x, const char* name) {
  NABLA_CHECK(l.n > 0, name, "cannot reduce over zero elements (input shape ", x.shape(), ", reduced dims ",
              l.dims, ")");
}

// Shares the gradient evenly among the elements equal to the result, and when arg[0] is
// set also among NaNs (max() and min() do that; amax and amin, like PyTorch, do not).
// Saved: 0 x, 1 the result.
TensorList extreme_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0), rk = kept(n, n.saved(1));
  Tensor hit = eq(x, rk);
  if (n.arg[0]) hit = logical_or(hit, logical_and(ne(x, x), ne(rk, rk)));
  const Tensor h = hit.to(x.dtype());
  return {mul(div(kept(n, g), sum(h, n.dims, true)), h)};
}

template <bool kMax>
Tensor extreme_values(const Lanes& l, DType dtype) {
  return dispatch(dtype, [&](auto v) {
    using T = decltype(v);
    return reduce_lanes<T>(l, detail::ExtremeAcc<T, kMax>{}, [](T s) { return s; });
  });
}

template <bool kMax>
Tensor extreme(const Tensor& x, const DimList& dims, bool keepdim, bool nan_ties, const char* name) {
  NABLA_CHECK(x.defined(), name, "undefined tensor");
  const Lanes l = detail::plan_lanes(x, dims, keepdim, name);
  check_nonempty(l, x, name);
  Tensor out = extreme_values<kMax>(l, x.dtype());
  const char* node =
      kMax ? (nan_ties ? "MaxBackward" : "AmaxBackward") : (nan_ties ? "MinBackward" : "AminBackward");
  if (auto n = autograd::record(node, extreme_rule, {&x}, out)) {
    n->save(0, x);
    n->save(1, out, true);
    n->shape = l.keep_shape;
    n->dims = l.dims;
    n->arg[0] = nan_ties;
  }
  return out;
}

// The gradient of a max / min along a dim goes to the selected element. arg[0]: the dim;
// saved 0: the indices.
TensorList select_rule(OpNode& n, const Tensor& g) {
  const Shape& xs = n.input_shape(0);
  const Tensor gk = kept(n, g), ik = kept(n, n.saved(0));
  const int dim = static_cast<int>(n.arg[0]);
  const int64_t size = xs.empty() ? 1 : xs[dim];
  if (GradMode::is_enabled()) {
    Shape pos_shape = Shape::filled(xs.size(), 1);
    if (!xs.empty()) pos_shape[dim] = size;
    const Tensor pos = reshape(arange(static_cast<double>(size), {.dtype = kInt64}), pos_shape);
    return {where(eq(pos, ik), gk, 0.0)};
  }
  Tensor out = zeros(xs, {.dtype = g.dtype()});
  const Tensor gc = gk.contiguous(), ic = ik.contiguous();
  int64_t post = 1;
  for (int d = dim + 1; d < xs.size(); ++d) post *= xs[d];
  dispatch_floating(g.dtype(), "max", [&](auto v) {
    using T = decltype(v);
    const T* pg = static_cast<const T*>(gc.raw_data());
    const int64_t* pi = static_cast<const int64_t*>(ic.raw_data());
    T* o = static_cast<T*>(out.raw_data());
    for (int64_t lane = 0; lane < gc.numel(); ++lane)
      o[(lane / post * size + pi[lane]) * post + lane % post] = pg[lane];
  });
  return {out};
}

// The first i < n with p[i] == m (NaN when m is NaN), m being the lane's max (min):
// finds the first chunk whose max (min) is m with vectorised folds, then scans it.
template <bool kMax, class T>
int64_t first_index(const T* p, int64_t n, T m) {
  constexpr int64_t kChunk = 256;
  const auto is_m = [m](T v) { return v == m || (v != v && m != m); };
  int64_t i = 0;
  while (i + kChunk < n && !is_m(detail::fold_row(detail::ExtremeAcc<T, kMax>{}, p, i, i + kChunk, 0)))
    i += kChunk;
  while (!is_m(p[i])) ++i;
  return i;
}

// Values and first indices of the max (min) of each lane: the values by a vectorised
// fold, then the first position holding each.
template <bool kMax>
std::pair<Tensor, Tensor> arg_extreme(const Tensor& x, const DimList& dims, bool keepdim, const char* name) {
  NABLA_CHECK(x.defined(), name, "undefined tensor");
  const Lanes l = detail::plan_lanes(x, dims, keepdim, name);
  check_nonempty(l, x, name);
  Tensor values = extreme_values<kMax>(l, x.dtype());
  Tensor indices = detail::empty(l.out_shape, kInt64);
  int64_t* idx = static_cast<int64_t*>(indices.raw_data());
  dispatch(x.dtype(), [&](auto v) {
    using T = decltype(v);
    const T* px = static_cast<const T*>(l.data.raw_data());
    const T* pm = static_cast<const T*>(values.raw_data());
    const int64_t n = l.n, post = l.post;
    detail::for_lane_blocks(l, [&](int64_t off, int64_t lane0, int64_t w) {
      if (post == 1) {
        idx[lane0] = first_index<kMax>(px + off, n, pm[lane0]);
        return;
      }
      int64_t* id = idx + lane0;
      const T* m = pm + lane0;
      for (int64_t j = 0; j < w; ++j) id[j] = -1;
      for (int64_t i = 0; i < n; ++i) {
        const T* row = px + off + i * post;
        for (int64_t j = 0; j < w; ++j) {
          // Bitwise, not logical, operators: they keep the loop branch-free and vectorised.
          const bool hit = (row[j] == m[j]) | ((row[j] != row[j]) & (m[j] != m[j]));
          id[j] = (id[j] < 0) & hit ? i : id[j];
        }
      }
    });
  });
  return {values, indices};
}

template <bool kMax>
std::pair<Tensor, Tensor> extreme_along(const Tensor& x, int64_t dim, bool keepdim, const char* name) {
  auto [values, indices] = arg_extreme<kMax>(x, {dim}, keepdim, name);
  if (auto n = autograd::record(kMax ? "MaxBackward" : "MinBackward", select_rule, {&x}, values)) {
    n->save(0, indices);
    n->shape = detail::plan_shapes(x, {dim}, true, name).keep_shape;
    n->arg[0] = wrap_dim(dim, x.dim(), name);
  }
  return {values, indices};
}

template <bool kMax>
Tensor arg_index(const Tensor& x, const DimList& dims, bool keepdim, const char* name) {
  NABLA_CHECK(!x.defined() || x.dtype() != kBool, name, "is not implemented for bool tensors");
  return arg_extreme<kMax>(x, dims, keepdim, name).second;
}

}  // namespace

Tensor prod(const Tensor& x) { return prod_over(x, {}, false); }
Tensor prod(const Tensor& x, int64_t dim, bool keepdim) { return prod_over(x, {dim}, keepdim); }

Tensor var(const Tensor& x, bool unbiased) { return var(x, {}, unbiased, false); }
Tensor var(const Tensor& x, const DimList& dims, bool unbiased, bool keepdim) {
  const Moments m = moments(x, dims, unbiased, keepdim, false, "var");
  return record_moments(x, m, unbiased, false);
}
Tensor std(const Tensor& x, bool unbiased) { return std(x, {}, unbiased, false); }
Tensor std(const Tensor& x, const DimList& dims, bool unbiased, bool keepdim) {
  const Moments m = moments(x, dims, unbiased, keepdim, true, "std");
  return record_moments(x, m, unbiased, true);
}

Tensor norm(const Tensor& x, double p) { return norm(x, p, {}, false); }
Tensor norm(const Tensor& x, double p, const DimList& dims, bool keepdim) {
  NABLA_CHECK(x.defined(), "norm", "undefined tensor");
  NABLA_CHECK(!std::isnan(p), "norm", "p must be a number, got NaN");
  const Lanes l = detail::plan_lanes(x, dims, keepdim, "norm");
  Tensor out = dispatch_floating(x.dtype(), "norm", [&](auto v) {
    using T = decltype(v);
    switch (norm_kind(p)) {
      case NormKind::Zero:
        return norm_kernel<T, NormKind::Zero>(l, p);
      case NormKind::One:
        return norm_kernel<T, NormKind::One>(l, p);
      case NormKind::Two:
        return norm_kernel<T, NormKind::Two>(l, p);
      case NormKind::Inf:
        return norm_kernel<T, NormKind::Inf>(l, p);
      case NormKind::NegInf:
        return norm_kernel<T, NormKind::NegInf>(l, p);
      case NormKind::General:
        break;
    }
    return norm_kernel<T, NormKind::General>(l, p);
  });
  if (auto n = autograd::record("NormBackward", norm_rule, {&x}, out)) {
    n->save(0, x);
    n->save(1, out, true);
    n->shape = l.keep_shape;
    n->dims = l.dims;
    n->scalar[0] = p;
  }
  return out;
}

Tensor max(const Tensor& x) { return extreme<true>(x, {}, false, true, "max"); }
Tensor min(const Tensor& x) { return extreme<false>(x, {}, false, true, "min"); }
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_along<true>(x, dim, keepdim, "max");
}
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_along<false>(x, dim, keepdim, "min");
}
Tensor amax(const Tensor& x, const DimList& dims, bool keepdim) {
  return extreme<true>(x, dims, keepdim, false, "amax");
}
Tensor amin(const Tensor& x, const DimList& dims, bool keepdim) {
  return extreme<false>(x, dims, keepdim, false, "amin");
}

Tensor argmax(const Tensor& x) { return arg_index<true>(x, {}, false, "argmax"); }
Tensor argmin(const Tensor& x) { return arg_index<false>(x, {}, false, "argmin"); }
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_index<true>(x, {dim}, keepdim, "argmax");
}
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_index<false>(x, {dim}, keepdim, "argmin");
}

}  // namespace nabla
