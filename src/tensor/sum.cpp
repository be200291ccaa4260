// sum, mean, sum_to, and the reduction planning shared by all reductions.
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/loops.h"
#include "src/tensor/reduction.h"

namespace nabla {
namespace detail {

Reduction plan_shapes(const Tensor& x, const DimList& dims, bool keepdim, const char* op) {
  Reduction r;
  const int nd = x.dim();
  if (dims.empty()) {
    for (int d = 0; d < nd; ++d) r.reduced[d] = true;
  } else {
    for (int64_t d : dims) {
      const int w = wrap_dim(d, nd, op);
      NABLA_CHECK(!r.reduced[w] || nd == 0, op, "dim ", w, " appears more than once in ", dims);
      r.reduced[w] = true;
    }
  }
  for (int d = 0; d < nd; ++d) {
    if (r.reduced[d]) {
      r.inner *= x.size(d);
      r.keep_shape.push_back(1);
      if (keepdim) r.out_shape.push_back(1);
    } else {
      r.outer *= x.size(d);
      r.keep_shape.push_back(x.size(d));
      r.out_shape.push_back(x.size(d));
    }
  }
  return r;
}

Reduction plan_reduction(const Tensor& x, const DimList& dims, bool keepdim, const char* op) {
  Reduction r = plan_shapes(x, dims, keepdim, op);
  DimList order;
  for (int d = 0; d < x.dim(); ++d)
    if (!r.reduced[d]) order.push_back(d);
  for (int d = 0; d < x.dim(); ++d)
    if (r.reduced[d]) order.push_back(d);
  NoGradGuard guard;
  r.rows = x.dim() ? permute(x, order).contiguous() : x.contiguous();
  return r;
}

}  // namespace detail

namespace {

using autograd::OpNode;
using autograd::TensorList;

// Sum of n contiguous values with 16 independent accumulators: vectorises, and is more
// accurate than one running sum.
template <class T>
T sum_contiguous(const T* p, int64_t n) {
  T acc[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) acc[j] += p[i + j];
  T s = 0;
  for (; i < n; ++i) s += p[i];
  for (int j = 0; j < 16; ++j) s += acc[j];
  return s;
}

// out[outer] = sum over each row of a contiguous [outer, inner] matrix.
template <class T>
void sum_rows(const T* x, T* out, int64_t outer, int64_t inner) {
  detail::parallel_for(outer, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(inner, 1)),
                       [&](int64_t b, int64_t e) {
                         for (int64_t i = b; i < e; ++i) out[i] = sum_contiguous(x + i * inner, inner);
                       });
}

// out[j] = sum_i x[i, j] for a contiguous [rows, cols] matrix (reducing leading dims).
template <class T>
void sum_columns(const T* x, T* out, int64_t rows, int64_t cols) {
  detail::parallel_for(cols, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(rows, 1)),
                       [&](int64_t b, int64_t e) {
                         for (int64_t j = b; j < e; ++j) out[j] = 0;
                         for (int64_t i = 0; i < rows; ++i) {
                           const T* row = x + i * cols;
                           for (int64_t j = b; j < e; ++j) out[j] += row[j];
                         }
                       });
}

TensorList sum_backward(OpNode& n, const Tensor& g) {
  // g has the kept-dims shape or the squeezed one; bring it to keep_shape and expand.
  const Tensor gk = g.shape() == n.shape ? g : reshape(g, n.shape);
  Tensor out = expand(gk, n.input_shape(0));
  if (n.scalar[0] != 1) out = mul(out, n.scalar[0]);
  return {out};
}

// Sum over dims, scaled by `scale` (1 for sum, 1/N for mean), recorded under `name`.
Tensor scaled_sum(const Tensor& x, const DimList& dims, bool keepdim, double scale, const char* name) {
  NABLA_CHECK(x.dtype() != kBool, name, "bool tensors cannot be summed; convert to int64 first");
  detail::Reduction r = detail::plan_shapes(x, dims, keepdim, name);
  Tensor out = detail::empty(r.out_shape, x.dtype());
  // Fast paths for a contiguous input reducing a suffix (rows) or a prefix (columns) of
  // its dims; anything else is rearranged first.
  bool suffix = true, prefix = true;
  {
    int d = 0;
    while (d < x.dim() && !r.reduced[d]) ++d;
    for (int k = d; k < x.dim(); ++k) suffix = suffix && r.reduced[k];
    d = 0;
    while (d < x.dim() && r.reduced[d]) ++d;
    for (int k = d; k < x.dim(); ++k) prefix = prefix && !r.reduced[k];
  }
  dispatch(x.dtype(), [&](auto v) {
    using T = decltype(v);
    if constexpr (!std::is_same_v<T, bool>) {
      T* o = static_cast<T*>(out.raw_data());
      if (x.is_contiguous() && suffix) {
        sum_rows(static_cast<const T*>(x.raw_data()), o, r.outer, r.inner);
      } else if (x.is_contiguous() && prefix) {
        sum_columns(static_cast<const T*>(x.raw_data()), o, r.inner, r.outer);
      } else {
        detail::Reduction p = detail::plan_reduction(x, dims, keepdim, name);
        sum_rows(static_cast<const T*>(p.rows.raw_data()), o, p.outer, p.inner);
      }
      if (scale != 1) {
        const T s = static_cast<T>(scale);
        for (int64_t i = 0; i < r.outer; ++i) o[i] *= s;
      }
    }
  });
  if (auto n = autograd::record(scale == 1 ? "SumBackward" : "MeanBackward", sum_backward, {&x}, out)) {
    n->shape = r.keep_shape;
    n->scalar[0] = scale;
  }
  return out;
}

}  // namespace

Tensor sum(const Tensor& x) { return scaled_sum(x, {}, false, 1, "sum"); }
Tensor sum(const Tensor& x, const DimList& dims, bool keepdim) { return scaled_sum(x, dims, keepdim, 1, "sum"); }

Tensor mean(const Tensor& x) { return mean(x, {}, false); }
Tensor mean(const Tensor& x, const DimList& dims, bool keepdim) {
  NABLA_CHECK(x.is_floating_point(), "mean", "needs a floating-point tensor, got ", x.dtype());
  const detail::Reduction r = detail::plan_shapes(x, dims, keepdim, "mean");
  return scaled_sum(x, dims, keepdim, 1.0 / static_cast<double>(r.inner), "mean");
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  const int lead = x.dim() - shape.size();
  NABLA_CHECK(lead >= 0, "sum_to", "cannot sum shape ", x.shape(), " to the larger shape ", shape);
  DimList dims;
  for (int d = 0; d < x.dim(); ++d) {
    if (d < lead) {
      dims.push_back(d);
    } else if (shape[d - lead] == 1 && x.size(d) != 1) {
      dims.push_back(d);
    } else {
      NABLA_CHECK(shape[d - lead] == x.size(d), "sum_to", "shape ", x.shape(), " does not broadcast from ",
                  shape);
    }
  }
  if (dims.empty()) return reshape(x, shape);
  return reshape(sum(x, dims, true), shape);
}

}  // namespace nabla
