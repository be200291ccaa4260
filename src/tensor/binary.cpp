// Binary arithmetic with broadcasting: add, sub, mul, div, pow, minimum, maximum, their
// scalar forms and in-place variants. Derivative rules return full-shape gradients; the
// engine reduces them to the inputs' shapes.
#include <cmath>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "src/autograd/op_node.h"
#include "src/tensor/inplace.h"
#include "src/tensor/loops.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;

enum class Op { Add, Sub, Mul, Div, Pow, Min, Max };

const char* op_name(Op op) {
  switch (op) {
    case Op::Add: return "add";
    case Op::Sub: return "sub";
    case Op::Mul: return "mul";
    case Op::Div: return "div";
    case Op::Pow: return "pow";
    case Op::Min: return "minimum";
    case Op::Max: return "maximum";
  }
  return "?";
}

template <class T>
T min_nan(T a, T b) { return a != a ? a : (b != b ? b : (a < b ? a : b)); }
template <class T>
T max_nan(T a, T b) { return a != a ? a : (b != b ? b : (a > b ? a : b)); }

// out = a op b; all three share one dtype T.
template <class T>
void kernel(Op op, const Tensor& out, const Tensor& a, const Tensor& b, double alpha) {
  using detail::binary_loop;
  const T al = static_cast<T>(alpha);
  switch (op) {
    case Op::Add:
      if (alpha == 1) binary_loop<T, T, T>(out, a, b, [](T x, T y) { return T(x + y); });
      else binary_loop<T, T, T>(out, a, b, [al](T x, T y) { return T(x + al * y); });
      break;
    case Op::Sub:
      if (alpha == 1) binary_loop<T, T, T>(out, a, b, [](T x, T y) { return T(x - y); });
      else binary_loop<T, T, T>(out, a, b, [al](T x, T y) { return T(x - al * y); });
      break;
    case Op::Mul: binary_loop<T, T, T>(out, a, b, [](T x, T y) { return T(x * y); }); break;
    case Op::Div:
      if constexpr (std::is_integral_v<T>) {
        NABLA_CHECK(false, "div", "integer division is not supported; convert to a floating dtype");
      } else {
        binary_loop<T, T, T>(out, a, b, [](T x, T y) { return x / y; });
      }
      break;
    case Op::Pow:
      binary_loop<T, T, T>(out, a, b, [](T x, T y) { return static_cast<T>(std::pow(x, y)); });
      break;
    case Op::Min: binary_loop<T, T, T>(out, a, b, [](T x, T y) { return min_nan(x, y); }); break;
    case Op::Max: binary_loop<T, T, T>(out, a, b, [](T x, T y) { return max_nan(x, y); }); break;
  }
}

void run_kernel(Op op, const Tensor& out, const Tensor& a, const Tensor& b, double alpha) {
  NABLA_CHECK(out.dtype() != kBool, op_name(op), "arithmetic on bool tensors is not supported");
  dispatch(out.dtype(), [&](auto v) {
    if constexpr (!std::is_same_v<decltype(v), bool>) kernel<decltype(v)>(op, out, a, b, alpha);
  });
}

// ---- derivative rules ----
TensorList add_backward(OpNode& n, const Tensor& g) {
  return {n.needs(0) ? g : Tensor(), n.needs(1) ? (n.scalar[0] == 1 ? g : mul(g, n.scalar[0])) : Tensor()};
}
TensorList sub_backward(OpNode& n, const Tensor& g) {
  return {n.needs(0) ? g : Tensor(), n.needs(1) ? mul(g, -n.scalar[0]) : Tensor()};
}
TensorList mul_backward(OpNode& n, const Tensor& g) {
  return {n.needs(0) ? mul(g, n.saved(1)) : Tensor(), n.needs(1) ? mul(g, n.saved(0)) : Tensor()};
}
TensorList div_backward(OpNode& n, const Tensor& g) {
  const Tensor b = n.saved(1);
  Tensor ga = div(g, b);
  return {n.needs(0) ? ga : Tensor(), n.needs(1) ? neg(mul(ga, div(n.saved(0), b))) : Tensor()};
}
TensorList pow_backward(OpNode& n, const Tensor& g) {
  const Tensor a = n.saved(0), b = n.saved(1);
  Tensor ga, gb;
  // d/da a^b = b a^(b-1), taken as 0 where b == 0 (PyTorch's convention).
  if (n.needs(0)) ga = where(eq(b, 0.0), zeros_like(g), mul(g, mul(b, pow(a, sub(b, 1.0)))));
  // d/db a^b = a^b log a, taken as 0 where a == 0 and b >= 0.
  if (n.needs(1))
    gb = where(logical_and(eq(a, 0.0), ge(b, 0.0)), zeros_like(g), mul(g, mul(pow(a, b), log(a))));
  return {ga, gb};
}
// Ties split the gradient evenly, as PyTorch does.
TensorList minmax_backward(OpNode& n, const Tensor& g) {
  const Tensor a = n.saved(0), b = n.saved(1);
  const bool is_max = n.arg[0];
  const Tensor a_wins = is_max ? gt(a, b) : lt(a, b);
  const Tensor tie = eq(a, b);
  const Tensor half = mul(g, 0.5);
  Tensor ga, gb;
  if (n.needs(0)) ga = where(a_wins, g, where(tie, half, zeros_like(g)));
  if (n.needs(1)) gb = where(a_wins, zeros_like(g), where(tie, half, g));
  return {ga, gb};
}

Tensor binary(Op op, const Tensor& a, const Tensor& b, double alpha = 1) {
  const char* name = op_name(op);
  NABLA_CHECK(a.defined() && b.defined(), name, "undefined tensor operand");
  const DType dt = promote_types(a.dtype(), b.dtype());
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = detail::empty(shape, dt);
  {
    const Tensor ac = a.dtype() == dt ? a : a.detach().to(dt);
    const Tensor bc = b.dtype() == dt ? b : b.detach().to(dt);
    run_kernel(op, out, ac, bc, alpha);
  }
  std::shared_ptr<OpNode> n;
  switch (op) {
    case Op::Add:
      if ((n = autograd::record("AddBackward", add_backward, {&a, &b}, out))) n->scalar[0] = alpha;
      break;
    case Op::Sub:
      if ((n = autograd::record("SubBackward", sub_backward, {&a, &b}, out))) n->scalar[0] = alpha;
      break;
    case Op::Mul:
      if ((n = autograd::record("MulBackward", mul_backward, {&a, &b}, out))) {
        if (n->needs(1)) n->save(0, a);
        if (n->needs(0)) n->save(1, b);
      }
      break;
    case Op::Div:
      if ((n = autograd::record("DivBackward", div_backward, {&a, &b}, out))) {
        if (n->needs(1)) n->save(0, a);
        n->save(1, b);
      }
      break;
    case Op::Pow:
      if ((n = autograd::record("PowBackward", pow_backward, {&a, &b}, out))) {
        n->save(0, a);
        n->save(1, b);
      }
      break;
    case Op::Min:
    case Op::Max:
      if ((n = autograd::record(op == Op::Max ? "MaximumBackward" : "MinimumBackward", minmax_backward,
                                {&a, &b}, out))) {
        n->save(0, a);
        n->save(1, b);
        n->arg[0] = op == Op::Max;
      }
      break;
  }
  return out;
}

// A C++ number as a 0-d tensor that keeps `t`'s dtype where PyTorch's scalar rules do:
// floating tensors stay in their dtype; integer tensors stay integral for whole numbers.
Tensor wrap_scalar(const Tensor& t, double v) {
  DType dt = t.dtype();
  if (!is_floating(dt) && v != std::floor(v)) dt = kFloat32;
  if (dt == kBool) dt = kInt64;
  return scalar_tensor(v, {.dtype = dt});
}

// In place: self = self op other. Without autograd the kernel writes straight into self.
Tensor& binary_(Op op, Tensor& self, const Tensor& other, double alpha = 1) {
  const char* name = op_name(op);
  const DType result = promote_types(self.dtype(), other.dtype());
  NABLA_CHECK(can_cast(result, self.dtype()), name, "result type ", result, " cannot be stored in a ",
              self.dtype(), " tensor in place");
  if (GradMode::is_enabled() && (self.requires_grad() || other.requires_grad())) {
    // Rules other than add/sub save their first operand, so it must not be self's storage,
    // which is about to be overwritten.
    const Tensor first = op == Op::Add || op == Op::Sub ? self : self.clone();
    return detail::assign_result(self, binary(op, first, other, alpha), name);
  }
  detail::check_inplace(self, false, name);
  NABLA_CHECK(broadcast_shapes(self.shape(), other.shape(), name) == self.shape(), name,
              "in-place result of shape ", broadcast_shapes(self.shape(), other.shape(), name),
              " does not fit the tensor's shape ", self.shape());
  const Tensor oc = other.dtype() == self.dtype() ? other : other.to(self.dtype());
  run_kernel(op, self, self, oc, alpha);
  self.storage()->bump_version();
  return self;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b, double alpha) { return binary(Op::Add, a, b, alpha); }
Tensor sub(const Tensor& a, const Tensor& b, double alpha) { return binary(Op::Sub, a, b, alpha); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(Op::Mul, a, b); }
Tensor div(const Tensor& a, const Tensor& b) {
  if (!a.is_floating_point() && !b.is_floating_point()) return binary(Op::Div, a.to(kFloat32), b);
  return binary(Op::Div, a, b);
}
Tensor pow(const Tensor& base, const Tensor& exponent) { return binary(Op::Pow, base, exponent); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary(Op::Min, a, b); }
Tensor maximum(const Tensor& a, const Tensor& b) { return binary(Op::Max, a, b); }

Tensor add(const Tensor& a, double b) { return binary(Op::Add, a, wrap_scalar(a, b)); }
Tensor sub(const Tensor& a, double b) { return binary(Op::Sub, a, wrap_scalar(a, b)); }
Tensor mul(const Tensor& a, double b) { return binary(Op::Mul, a, wrap_scalar(a, b)); }
Tensor div(const Tensor& a, double b) { return div(a, wrap_scalar(a, b)); }
Tensor rsub(const Tensor& a, double b) { return binary(Op::Sub, wrap_scalar(a, b), a); }
Tensor rdiv(const Tensor& a, double b) { return div(wrap_scalar(a, b), a); }
Tensor pow(double base, const Tensor& exponent) {
  return binary(Op::Pow, wrap_scalar(exponent, base), exponent);
}

Tensor& Tensor::add_(const Tensor& o, double alpha) { return binary_(Op::Add, *this, o, alpha); }
Tensor& Tensor::add_(double o) { return binary_(Op::Add, *this, wrap_scalar(*this, o)); }
Tensor& Tensor::sub_(const Tensor& o, double alpha) { return binary_(Op::Sub, *this, o, alpha); }
Tensor& Tensor::sub_(double o) { return binary_(Op::Sub, *this, wrap_scalar(*this, o)); }
Tensor& Tensor::mul_(const Tensor& o) { return binary_(Op::Mul, *this, o); }
Tensor& Tensor::mul_(double o) { return binary_(Op::Mul, *this, wrap_scalar(*this, o)); }
Tensor& Tensor::div_(const Tensor& o) { return binary_(Op::Div, *this, o); }
Tensor& Tensor::div_(double o) { return binary_(Op::Div, *this, wrap_scalar(*this, o)); }

}  // namespace nabla
