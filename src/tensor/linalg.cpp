// Matrix products. mm, bmm and addmm are the primitives (one GEMM call each, transposed
// operands passed as BLAS flags rather than copied); matmul, linear and friends are
// composed from them and from views.
#include "nabla/tensor/linalg.h"

#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/blas.h"
#include "src/tensor/inplace.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;

// A matrix operand as BLAS sees it: data, leading dimension, transposed or not.
struct Operand {
  Tensor keep;  // owns a contiguous copy when the strides did not suit BLAS
  const void* data;
  int64_t ld;
  bool trans;
};

Operand as_operand(const Tensor& x) {
  const int64_t r = x.size(0), c = x.size(1), s0 = x.stride(0), s1 = x.stride(1);
  if (s1 == 1 && s0 >= std::max<int64_t>(c, 1)) return {Tensor(), x.raw_data(), s0, false};
  if (s0 == 1 && s1 >= std::max<int64_t>(r, 1)) return {Tensor(), x.raw_data(), s1, true};
  Tensor cx = x.detach().contiguous();
  return {cx, cx.raw_data(), std::max<int64_t>(c, 1), false};
}

// The transpose of an operand is the same memory with the flag flipped.
Operand transposed(Operand op) {
  op.trans = !op.trans;
  return op;
}

// out[n, m] = alpha * op(A)[n, k] · op(B)[k, m] + beta * out.
void gemm_into(const Tensor& out, const Operand& A, const Operand& B, int64_t k, double alpha, double beta) {
  const int64_t n = out.size(0), m = out.size(1);
  dispatch(out.dtype(), [&](auto v) {
    using T = decltype(v);
    if constexpr (std::is_floating_point_v<T>) {
      detail::gemm(A.trans, B.trans, n, m, k, static_cast<T>(alpha), static_cast<const T*>(A.data), A.ld,
                   static_cast<const T*>(B.data), B.ld, static_cast<T>(beta), static_cast<T*>(out.raw_data()),
                   std::max<int64_t>(m, 1));
    }
  });
}

void gemm_into(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta) {
  gemm_into(out, as_operand(a), as_operand(b), a.size(1), alpha, beta);
}

void check_float_pair(const Tensor& a, const Tensor& b, const char* op) {
  NABLA_CHECK(a.defined() && b.defined(), op, "undefined tensor operand");
  NABLA_CHECK(a.dtype() == b.dtype(), op, "expected both operands to have the same dtype, got ", a.dtype(),
              " and ", b.dtype());
  NABLA_CHECK(a.is_floating_point(), op, "needs floating-point operands, got ", a.dtype());
}

// Gradients of alpha * a·b where a and b are inputs `first` and `first + 1` of the node
// (saved in slots 0 and 1).
TensorList product_grads(OpNode& n, const Tensor& g, int first) {
  const double alpha = n.scalar[0];
  Tensor ga, gb;
  if (n.needs(first)) ga = mm(g, n.saved(1).t());
  if (n.needs(first + 1)) gb = mm(n.saved(0).t(), g);
  if (alpha != 1) {
    if (ga.defined()) ga = mul(ga, alpha);
    if (gb.defined()) gb = mul(gb, alpha);
  }
  return {ga, gb};
}

TensorList mm_backward(OpNode& n, const Tensor& g) { return product_grads(n, g, 0); }

TensorList addmm_backward(OpNode& n, const Tensor& g) {
  TensorList ab = product_grads(n, g, 1);
  const double beta = n.scalar[1];
  Tensor gbias = n.needs(0) ? (beta == 1 ? g : mul(g, beta)) : Tensor();
  return {gbias, ab[0], ab[1]};
}

TensorList bmm_backward(OpNode& n, const Tensor& g) {
  Tensor ga, gb;
  if (n.needs(0)) ga = bmm(g, transpose(n.saved(1), 1, 2));
  if (n.needs(1)) gb = bmm(transpose(n.saved(0), 1, 2), g);
  return {ga, gb};
}

// out = x·Wᵀ + b: gx = g·W, gW = gᵀ·x, gb = column sums of g.
TensorList linear_backward(OpNode& n, const Tensor& g) {
  Tensor gx, gw, gb;
  if (n.needs(0)) gx = mm(g, n.saved(1));
  if (n.needs(1)) gw = mm(g.t(), n.saved(0));
  if (n.needs(2)) gb = sum(g, {0});
  return {gx, gw, gb};
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  check_float_pair(a, b, "mm");
  NABLA_CHECK(a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(0), "mm", "cannot multiply shapes ",
              a.shape(), " and ", b.shape());
  Tensor out = detail::empty({a.size(0), b.size(1)}, a.dtype());
  gemm_into(out, a, b, 1, 0);
  if (auto n = autograd::record("MmBackward", mm_backward, {&a, &b}, out)) {
    if (n->needs(1)) n->save(0, a);
    if (n->needs(0)) n->save(1, b);
    n->scalar[0] = 1;
  }
  return out;
}

Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, double beta, double alpha) {
  check_float_pair(a, b, "addmm");
  NABLA_CHECK(a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(0), "addmm", "cannot multiply shapes ",
              a.shape(), " and ", b.shape());
  NABLA_CHECK(bias.defined() && bias.dtype() == a.dtype(), "addmm", "bias must have dtype ", a.dtype());
  const Shape shape{a.size(0), b.size(1)};
  NABLA_CHECK(broadcast_shapes(bias.shape(), shape, "addmm") == shape, "addmm", "bias of shape ",
              bias.shape(), " does not broadcast to ", shape);
  Tensor out = detail::empty(shape, a.dtype());
  detail::copy_into(out, bias);
  gemm_into(out, a, b, alpha, beta);
  if (auto n = autograd::record("AddmmBackward", addmm_backward, {&bias, &a, &b}, out)) {
    if (n->needs(2)) n->save(0, a);
    if (n->needs(1)) n->save(1, b);
    n->scalar[0] = alpha;
    n->scalar[1] = beta;
  }
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  check_float_pair(a, b, "bmm");
  NABLA_CHECK(a.dim() == 3 && b.dim() == 3 && a.size(0) == b.size(0) && a.size(2) == b.size(1), "bmm",
              "cannot batch-multiply shapes ", a.shape(), " and ", b.shape());
  const int64_t batch = a.size(0);
  Tensor out = detail::empty({batch, a.size(1), b.size(2)}, a.dtype());
  {
    NoGradGuard guard;
    for (int64_t i = 0; i < batch; ++i) gemm_into(out.select(0, i), a.select(0, i), b.select(0, i), 1, 0);
  }
  if (auto n = autograd::record("BmmBackward", bmm_backward, {&a, &b}, out)) {
    if (n->needs(1)) n->save(0, a);
    if (n->needs(0)) n->save(1, b);
  }
  return out;
}

Tensor dot(const Tensor& a, const Tensor& b) {
  NABLA_CHECK(a.dim() == 1 && b.dim() == 1 && a.size(0) == b.size(0), "dot",
              "expects two 1-D tensors of the same size, got ", a.shape(), " and ", b.shape());
  return reshape(mm(a.unsqueeze(0), b.unsqueeze(1)), {});
}

Tensor mv(const Tensor& a, const Tensor& v) {
  NABLA_CHECK(a.dim() == 2 && v.dim() == 1, "mv", "expects a matrix and a vector, got ", a.shape(), " and ",
              v.shape());
  return mm(a, v.unsqueeze(1)).squeeze(1);
}

Tensor outer(const Tensor& a, const Tensor& b) {
  NABLA_CHECK(a.dim() == 1 && b.dim() == 1, "outer", "expects two 1-D tensors, got ", a.shape(), " and ",
              b.shape());
  return mm(a.unsqueeze(1), b.unsqueeze(0));
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  NABLA_CHECK(a.defined() && b.defined(), "matmul", "undefined tensor operand");
  const int da = a.dim(), db = b.dim();
  NABLA_CHECK(da > 0 && db > 0, "matmul", "both arguments need at least 1 dimension, got shapes ", a.shape(),
              " and ", b.shape());
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 1) return mv(a, b);
  if (da == 1 && db == 2) return mm(a.unsqueeze(0), b).squeeze(0);
  if (da == 2 && db == 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // Fold the batch dims of a into its rows: one GEMM.
    const Tensor b2 = db == 1 ? b.unsqueeze(1) : b;
    NABLA_CHECK(a.size(-1) == b2.size(0), "matmul", "cannot multiply shapes ", a.shape(), " and ", b.shape());
    Shape out_shape = a.shape();
    out_shape[da - 1] = b2.size(1);
    Tensor out = mm(a.reshape({-1, a.size(-1)}), b2).reshape(out_shape);
    return db == 1 ? out.squeeze(-1) : out;
  }
  // General batched case: broadcast the batch dims and use bmm.
  const Tensor a3 = da == 1 ? a.unsqueeze(0) : a;
  const Tensor b3 = db == 1 ? b.unsqueeze(1) : b;
  NABLA_CHECK(a3.size(-1) == b3.size(-2), "matmul", "cannot multiply shapes ", a.shape(), " and ", b.shape());
  Shape batch_a(std::span<const int64_t>(a3.shape().begin(), a3.shape().end() - 2));
  Shape batch_b(std::span<const int64_t>(b3.shape().begin(), b3.shape().end() - 2));
  Shape batch = broadcast_shapes(batch_a, batch_b, "matmul");
  const int64_t n = a3.size(-2), k = a3.size(-1), m = b3.size(-1), nb = batch.numel();
  Shape ea = batch, eb = batch;
  ea.push_back(n);
  ea.push_back(k);
  eb.push_back(k);
  eb.push_back(m);
  Tensor out = bmm(a3.expand(ea).reshape({nb, n, k}), b3.expand(eb).reshape({nb, k, m}));
  Shape out_shape = batch;
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(m);
  return out.reshape(out_shape);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  NABLA_CHECK(x.defined() && x.dim() >= 1, "linear", "input must have at least 1 dimension");
  check_float_pair(x, weight, "linear");
  NABLA_CHECK(weight.dim() == 2 && x.size(-1) == weight.size(1), "linear", "input of shape ", x.shape(),
              " does not match weight of shape ", weight.shape(), " (in_features ", weight.size(1), ")");
  NABLA_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == weight.size(0) && bias.dtype() == x.dtype()),
              "linear", "bias of shape ", bias.defined() ? bias.shape() : Shape{}, " does not match weight of shape ",
              weight.shape());
  if (x.dim() != 2) {
    Shape shape = x.shape();
    shape[x.dim() - 1] = weight.size(0);
    return linear(x.reshape({-1, x.size(-1)}), weight, bias).reshape(shape);
  }
  // One node for x·Wᵀ + b: no transposed view of W, and the bias gradient is a column
  // sum in the rule instead of a broadcast reduction in the engine.
  Tensor out = detail::empty({x.size(0), weight.size(0)}, x.dtype());
  if (bias.defined()) detail::copy_into(out, bias);
  gemm_into(out, as_operand(x), transposed(as_operand(weight)), x.size(1), 1, bias.defined() ? 1 : 0);
  if (auto n = autograd::record("LinearBackward", linear_backward, {&x, &weight, &bias}, out)) {
    if (n->needs(1)) n->save(0, x);
    if (n->needs(0)) n->save(1, weight);
  }
  return out;
}

}  // namespace nabla
