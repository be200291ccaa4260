// Comparisons, logical ops and where.
#include <cmath>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/autograd/op_node.h"
#include "src/tensor/loops.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;

enum class Cmp { Eq, Ne, Lt, Le, Gt, Ge };

template <class F>
Tensor compare_with(const Tensor& a, const Tensor& b, const char* name, F f) {
  NABLA_CHECK(a.defined() && b.defined(), name, "undefined tensor operand");
  const DType dt = promote_types(a.dtype(), b.dtype());
  Tensor out = detail::empty(broadcast_shapes(a.shape(), b.shape(), name), kBool);
  const Tensor ac = a.dtype() == dt ? a : a.detach().to(dt);
  const Tensor bc = b.dtype() == dt ? b : b.detach().to(dt);
  dispatch(dt, [&](auto v) {
    using T = decltype(v);
    detail::binary_loop<bool, T, T>(out, ac, bc, [&](T x, T y) { return f(x, y); });
  });
  return out;
}

Tensor compare(Cmp c, const Tensor& a, const Tensor& b) {
  switch (c) {
    case Cmp::Eq: return compare_with(a, b, "eq", [](auto x, auto y) { return x == y; });
    case Cmp::Ne: return compare_with(a, b, "ne", [](auto x, auto y) { return x != y; });
    case Cmp::Lt: return compare_with(a, b, "lt", [](auto x, auto y) { return x < y; });
    case Cmp::Le: return compare_with(a, b, "le", [](auto x, auto y) { return x <= y; });
    case Cmp::Gt: return compare_with(a, b, "gt", [](auto x, auto y) { return x > y; });
    case Cmp::Ge: return compare_with(a, b, "ge", [](auto x, auto y) { return x >= y; });
  }
  return {};
}

// The scalar as a 0-d tensor of a's dtype (float64 for integer tensors, so that
// comparing an int64 tensor with 2.5 is exact).
Tensor scalar_like(const Tensor& a, double v) {
  return scalar_tensor(v, {.dtype = a.is_floating_point() ? a.dtype() : kFloat64});
}

TensorList where_rule(OpNode& n, const Tensor& g) {
  const Tensor cond = n.saved(0);
  const Tensor z = zeros_like(g);
  return {Tensor(), n.needs(1) ? where(cond, g, z) : Tensor(), n.needs(2) ? where(cond, z, g) : Tensor()};
}

}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) { return compare(Cmp::Eq, a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(Cmp::Ne, a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(Cmp::Lt, a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(Cmp::Le, a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(Cmp::Gt, a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(Cmp::Ge, a, b); }
Tensor eq(const Tensor& a, double b) { return compare(Cmp::Eq, a, scalar_like(a, b)); }
Tensor ne(const Tensor& a, double b) { return compare(Cmp::Ne, a, scalar_like(a, b)); }
Tensor lt(const Tensor& a, double b) { return compare(Cmp::Lt, a, scalar_like(a, b)); }
Tensor le(const Tensor& a, double b) { return compare(Cmp::Le, a, scalar_like(a, b)); }
Tensor gt(const Tensor& a, double b) { return compare(Cmp::Gt, a, scalar_like(a, b)); }
Tensor ge(const Tensor& a, double b) { return compare(Cmp::Ge, a, scalar_like(a, b)); }

Tensor logical_not(const Tensor& x) { return eq(x, 0.0); }
Tensor logical_and(const Tensor& a, const Tensor& b) {
  return compare_with(ne(a, 0.0), ne(b, 0.0), "logical_and", [](auto x, auto y) { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  return compare_with(ne(a, 0.0), ne(b, 0.0), "logical_or", [](auto x, auto y) { return x || y; });
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  NABLA_CHECK(cond.defined() && a.defined() && b.defined(), "where", "undefined tensor operand");
  NABLA_CHECK(cond.dtype() == kBool, "where", "condition must be a bool tensor, got ", cond.dtype());
  const DType dt = promote_types(a.dtype(), b.dtype());
  const Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
  Tensor out = detail::empty(shape, dt);
  const Tensor ac = a.dtype() == dt ? a : a.detach().to(dt);
  const Tensor bc = b.dtype() == dt ? b : b.detach().to(dt);
  dispatch(dt, [&](auto v) {
    using T = decltype(v);
    detail::ternary_loop<T, bool, T, T>(out, cond, ac, bc, [](bool c, T x, T y) { return c ? x : y; });
  });
  if (auto n = autograd::record("WhereBackward", where_rule, {&cond, &a, &b}, out)) n->save(0, cond);
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, double b) {
  return where(cond, a, scalar_tensor(b, {.dtype = a.is_floating_point() ? a.dtype() : kFloat32}));
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol) {
  NoGradGuard guard;
  const Tensor af = a.to(kFloat64), bf = b.to(kFloat64);
  const Tensor ok = compare_with(af, bf, "allclose", [rtol, atol](auto x, auto y) {
    if (x == y) return true;  // equal infinities
    if (std::isinf(x) || std::isinf(y)) return false;  // inf - y would pass any rtol
    return std::abs(x - y) <= atol + rtol * std::abs(y);
  });
  return ok.to(kInt64).sum().item<int64_t>() == ok.numel();
}

bool equal(const Tensor& a, const Tensor& b) {
  if (!(a.shape() == b.shape())) return false;
  NoGradGuard guard;
  return eq(a, b).to(kInt64).sum().item<int64_t>() == a.numel();
}

}  // namespace nabla
