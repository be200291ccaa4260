// layer_norm as a single op. The input is seen as rows of M = prod(normalized_shape)
// contiguous elements; forward and backward each make one pass over the rows, computing a
// row's statistics while it is in cache, with threads splitting the rows. When the backward
// pass is itself recorded (create_graph), the derivative is written with differentiable ops.
#include "nabla/nn/layer_norm.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/autograd/op_node.h"
#include "src/nn/repr.h"
#include "src/tensor/loops.h"

namespace nabla::nn {
namespace {

using autograd::OpNode;
using autograd::TensorList;

// Σ term(i) over i < n in double, with independent partial sums so that it vectorises.
template <class Term>
double row_sum(int64_t n, Term term) {
  constexpr int kParts = 8;
  double acc[kParts] = {};
  int64_t i = 0;
  for (; i + kParts <= n; i += kParts)
    for (int k = 0; k < kParts; ++k) acc[k] += term(i + k);
  for (; i < n; ++i) acc[0] += term(i);
  double s = 0;
  for (double a : acc) s += a;
  return s;
}

// Rows are split into one block per thread when the work is large enough; the blocks are
// fixed by the row count, so partial sums combine in the same order on every run.
int64_t block_count(int64_t rows, int64_t cols) {
  if (rows * cols < detail::kParallelGrain || omp_in_parallel()) return 1;
  return std::min<int64_t>(rows, omp_get_max_threads());
}

template <class F>
void for_row_blocks(int64_t rows, int64_t blocks, F f) {
  detail::parallel_for(blocks, 2, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) f(k, rows * k / blocks, rows * (k + 1) / blocks);
  });
}

// An affine parameter as a contiguous array, or `fill` repeated when it is absent.
template <class T>
struct Affine {
  Tensor t;
  std::vector<T> dflt;
  Affine(const Tensor& p, int64_t m, T fill) {
    if (p.defined()) t = p.detach().contiguous();
    else dflt.assign(static_cast<size_t>(m), fill);
  }
  const T* data() const { return t.defined() ? t.template data_ptr<T>() : dflt.data(); }
};

// y = (x - mean) * rstd * w + b per row; stats[r] = (mean, rstd).
template <class T>
void forward_kernel(const T* x, const T* w, const T* b, T* y, double* stats, int64_t rows, int64_t m, double eps) {
  for_row_blocks(rows, block_count(rows, m), [&](int64_t, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const T* xr = x + r * m;
      T* yr = y + r * m;
      const double mean = row_sum(m, [&](int64_t i) { return static_cast<double>(xr[i]); }) / m;
      const double var = row_sum(m, [&](int64_t i) {
                           const double d = xr[i] - mean;
                           return d * d;
                         }) / m;
      const double rstd = 1 / std::sqrt(var + eps);
      stats[2 * r] = mean;
      stats[2 * r + 1] = rstd;
      const T mu = static_cast<T>(mean), s = static_cast<T>(rstd);
      for (int64_t i = 0; i < m; ++i) yr[i] = (xr[i] - mu) * s * w[i] + b[i];
    }
  });
}

// With a = g * w and xhat = (x - mean) * rstd, per row:
//   dx = rstd * (a - mean(a) - xhat * mean(a * xhat)),
// and over all rows dw = Σ g * xhat, db = Σ g, accumulated per block in `dw_part`, `db_part`.
template <class T>
void backward_kernel(const T* g, const T* x, const T* w, const double* stats, T* dx, double* dw_part,
                     double* db_part, int64_t rows, int64_t m, int64_t blocks) {
  for_row_blocks(rows, blocks, [&](int64_t k, int64_t r0, int64_t r1) {
    double* pw = dw_part ? dw_part + k * m : nullptr;
    double* pb = db_part ? db_part + k * m : nullptr;
    for (int64_t r = r0; r < r1; ++r) {
      const T* gr = g + r * m;
      const T* xr = x + r * m;
      const double mean = stats[2 * r], rstd = stats[2 * r + 1];
      if (dx) {
        const double s1 = row_sum(m, [&](int64_t i) { return static_cast<double>(gr[i]) * w[i]; });
        const double s2 = row_sum(m, [&](int64_t i) { return static_cast<double>(gr[i]) * w[i] * (xr[i] - mean); });
        const T a = static_cast<T>(rstd), mu = static_cast<T>(mean);
        const T bcoef = static_cast<T>(rstd * s1 / m), c = static_cast<T>(rstd * rstd * rstd * s2 / m);
        T* dr = dx + r * m;
        for (int64_t i = 0; i < m; ++i) dr[i] = a * gr[i] * w[i] - bcoef - (xr[i] - mu) * c;
      }
      if (pw)
        for (int64_t i = 0; i < m; ++i) pw[i] += static_cast<double>(gr[i]) * ((xr[i] - mean) * rstd);
      if (pb)
        for (int64_t i = 0; i < m; ++i) pb[i] += gr[i];
    }
  });
}

// Sums the per-block partials [blocks, m] into a new tensor of `shape`.
Tensor reduce_parts(const std::vector<double>& parts, int64_t blocks, int64_t m, const Shape& shape, DType dtype) {
  Tensor out = detail::empty(shape, dtype);
  dispatch_floating(dtype, "layer_norm", [&](auto v) {
    using T = decltype(v);
    T* o = out.data_ptr<T>();
    for (int64_t i = 0; i < m; ++i) {
      double s = 0;
      for (int64_t k = 0; k < blocks; ++k) s += parts[k * m + i];
      o[i] = static_cast<T>(s);
    }
  });
  return out;
}

// The derivative with differentiable ops, recomputing the statistics from x so that
// they too are differentiated. Weight and bias gradients are left at x's shape: the
// engine sums them down to normalized_shape.
TensorList composite_backward(OpNode& n, const Tensor& g, const Tensor& x, const Tensor& w) {
  DimList dims;
  for (int d = x.dim() - static_cast<int>(n.arg[0]); d < x.dim(); ++d) dims.push_back(d);
  const Tensor xc = sub(x, mean(x, dims, true));
  const Tensor rstd = rsqrt(add(mean(mul(xc, xc), dims, true), n.scalar[0]));
  const Tensor xhat = mul(xc, rstd);
  TensorList out(3);
  if (n.needs(0)) {
    const Tensor a = w.defined() ? mul(g, w) : g;
    out[0] = mul(rstd, sub(sub(a, mean(a, dims, true)), mul(xhat, mean(mul(a, xhat), dims, true))));
  }
  if (n.needs(1)) out[1] = mul(g, xhat);
  if (n.needs(2)) out[2] = g;
  return out;
}

// Saved: 0 the input, 1 the weight, 2 the float64 [rows, 2] (mean, rstd) per row.
// arg[0]: the number of normalized dims, arg[1] their element count; scalar[0]: eps.
TensorList layer_norm_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  const Tensor w = n.saved(1);
  if (GradMode::is_enabled()) return composite_backward(n, g, x, w);
  const Tensor stats = n.saved(2);
  const int64_t rows = stats.size(0);
  const int64_t m = n.arg[1];
  const Tensor xc = x.contiguous(), gc = g.contiguous();
  const int64_t blocks = block_count(rows, m);
  TensorList out(3);
  if (n.needs(0)) out[0] = detail::empty(x.shape(), x.dtype());
  std::vector<double> dw_part(n.needs(1) ? blocks * m : 0), db_part(n.needs(2) ? blocks * m : 0);
  dispatch_floating(x.dtype(), "layer_norm", [&](auto v) {
    using T = decltype(v);
    const Affine<T> wa(w, m, T(1));
    if (x.numel())
      backward_kernel(gc.data_ptr<T>(), xc.data_ptr<T>(), wa.data(), stats.data_ptr<double>(),
                      out[0].defined() ? out[0].data_ptr<T>() : nullptr, dw_part.empty() ? nullptr : dw_part.data(),
                      db_part.empty() ? nullptr : db_part.data(), rows, m, blocks);
  });
  if (n.needs(1)) out[1] = reduce_parts(dw_part, blocks, m, n.input_shape(1), x.dtype());
  if (n.needs(2)) out[2] = reduce_parts(db_part, blocks, m, n.input_shape(2), x.dtype());
  return out;
}

void check_affine(const Tensor& p, const char* what, const Tensor& input, const Shape& normalized_shape) {
  if (!p.defined()) return;
  NABLA_CHECK(p.shape() == normalized_shape, "layer_norm", "expected ", what,
              " to be of same shape as normalized_shape, but got ", what, " of shape ", p.shape(),
              " and normalized_shape = ", normalized_shape);
  NABLA_CHECK(p.dtype() == input.dtype(), "layer_norm", what, " has dtype ", p.dtype(), " but the input has ",
              input.dtype());
}

}  // namespace

namespace functional {

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  NABLA_CHECK(input.defined(), "layer_norm", "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), "layer_norm", "expected a floating-point input, got ", input.dtype());
  const int k = normalized_shape.size();
  NABLA_CHECK(k > 0, "layer_norm", "expected normalized_shape to contain at least one element");
  bool match = input.dim() >= k;
  for (int d = 0; match && d < k; ++d) match = input.size(input.dim() - k + d) == normalized_shape[d];
  NABLA_CHECK(match, "layer_norm", "given normalized_shape=", normalized_shape, ", expected input with shape [*, ",
              normalized_shape.str().substr(1), ", but got input of size ", input.shape());
  check_affine(weight, "weight", input, normalized_shape);
  check_affine(bias, "bias", input, normalized_shape);

  const int64_t m = normalized_shape.numel();
  int64_t rows = 1;
  for (int d = 0; d < input.dim() - k; ++d) rows *= input.size(d);
  Tensor y = detail::empty(input.shape(), input.dtype());
  Tensor stats = detail::empty({rows, 2}, kFloat64);
  if (input.numel()) {
    const Tensor x = input.detach().contiguous();
    dispatch_floating(input.dtype(), "layer_norm", [&](auto v) {
      using T = decltype(v);
      const Affine<T> w(weight, m, T(1)), b(bias, m, T(0));
      forward_kernel(x.data_ptr<T>(), w.data(), b.data(), y.data_ptr<T>(), stats.data_ptr<double>(), rows, m, eps);
    });
  }
  if (auto n = autograd::record("NativeLayerNormBackward", layer_norm_rule, {&input, &weight, &bias}, y)) {
    n->save(0, input);
    n->save(1, weight);
    n->save(2, stats);
    n->arg[0] = k;
    n->arg[1] = m;
    n->scalar[0] = eps;
  }
  return y;
}

}  // namespace functional

LayerNorm::LayerNorm(LayerNormOptions o) : options(o) {
  NABLA_CHECK(!o.normalized_shape.empty(), "LayerNorm", "normalized_shape must contain at least one element");
  if (o.elementwise_affine) {
    weight = ones(o.normalized_shape, {.dtype = o.dtype});
    bias = zeros(o.normalized_shape, {.dtype = o.dtype});
  }
  register_parameter("weight", &LayerNorm::weight);
  register_parameter("bias", &LayerNorm::bias);
}

Tensor LayerNorm::forward(const Tensor& x) {
  return functional::layer_norm(x, options.normalized_shape, weight, bias, options.eps);
}

std::string LayerNorm::extra_repr() const {
  return internal::py_tuple(options.normalized_shape.vec()) + ", eps=" + internal::py_float(options.eps) +
         ", elementwise_affine=" + internal::py_bool(options.elementwise_affine);
}

}  // namespace nabla::nn
