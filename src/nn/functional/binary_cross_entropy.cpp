// Binary cross-entropy on probabilities and on logits. The per-element loss is one fused
// op with PyTorch's formulas and derivatives (including its clamps); weighting and the
// reduction are ordinary differentiable ops on top.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/math.h"
#include "src/autograd/op_node.h"
#include "src/nn/functional/loss_util.h"
#include "src/tensor/loops.h"
#include "src/tensor/vec_math.h"

namespace nabla::nn::functional {
namespace {

using autograd::OpNode;
using autograd::TensorList;

// PyTorch's lower bound for (1 - x) x in the gradient of binary_cross_entropy: 1e-12
// as a float, also in double precision.
constexpr double kBceEpsilon = 1e-12f;

// out[i] = f(a[i], b[i], c[i], d[i]) with the operands broadcast to out.
template <class T, class F>
void quaternary_loop(const Tensor& out, const Tensor& a, const Tensor& b, const Tensor& c, const Tensor& d,
                     F f) {
  const nabla::detail::StridedLoop<5> loop({&out, &a, &b, &c, &d}, out.shape());
  loop.run_parallel(nabla::detail::kParallelGrain,
                    [&](const std::array<char*, 5>& p, const std::array<int64_t, 5>& s, int64_t n) {
                      T* o = reinterpret_cast<T*>(p[0]);
                      const T* pa = reinterpret_cast<const T*>(p[1]);
                      const T* pb = reinterpret_cast<const T*>(p[2]);
                      const T* pc = reinterpret_cast<const T*>(p[3]);
                      const T* pd = reinterpret_cast<const T*>(p[4]);
                      for (int64_t i = 0; i < n; ++i)
                        o[i * s[0]] = f(pa[i * s[1]], pb[i * s[2]], pc[i * s[3]], pd[i * s[4]]);
                    });
}

// log(1 + exp(z)) without overflow.
template <class T>
T stable_softplus(T z) {
  return std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)));
}

// ---- on probabilities ----

// Saved: 0 input x, 1 target t.
TensorList bce_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0), t = n.saved(1);
  Tensor gx, gt;
  if (GradMode::is_enabled()) {
    if (n.needs(0)) gx = div(mul(g, sub(x, t)), clamp_min(mul(rsub(x, 1.0), x), kBceEpsilon));
    if (n.needs(1)) gt = mul(g, sub(log(rsub(x, 1.0)), log(x)));
    return {gx, gt};
  }
  dispatch_floating(x.dtype(), "binary_cross_entropy", [&](auto v) {
    using T = decltype(v);
    if (n.needs(0)) {
      gx = nabla::detail::empty(x.shape(), x.dtype());
      nabla::detail::ternary_loop<T, T, T, T>(
          gx, g, x, t, [](T gv, T a, T y) { return gv * (a - y) / std::max((1 - a) * a, T(kBceEpsilon)); });
    }
    if (n.needs(1)) {
      gt = nabla::detail::empty(x.shape(), x.dtype());
      nabla::detail::binary_loop<T, T, T>(gt, g, x,
                                          [](T gv, T a) { return gv * (std::log1p(-a) - std::log(a)); });
    }
  });
  return {gx, gt};
}

Tensor bce_elementwise(const Tensor& x, const Tensor& t) {
  Tensor out = nabla::detail::empty(x.shape(), x.dtype());
  std::atomic<bool> outside{false};
  dispatch_floating(x.dtype(), "binary_cross_entropy", [&](auto v) {
    using T = decltype(v);
    nabla::detail::binary_loop<T, T, T>(out, x, t, [&outside](T a, T y) {
      if (!(a >= 0 && a <= 1)) outside.store(true, std::memory_order_relaxed);
      return (y - 1) * std::max(T(std::log(1 - a)), T(-100)) - y * std::max(T(std::log(a)), T(-100));
    });
  });
  NABLA_CHECK(!outside.load(), "binary_cross_entropy",
              "all elements of input should be between 0 and 1 (apply sigmoid, or use "
              "binary_cross_entropy_with_logits on the logits)");
  if (auto n = autograd::record("BinaryCrossEntropyBackward", bce_rule, {&x, &t}, out)) {
    n->save(0, x);
    n->save(1, t);
  }
  return out;
}

// ---- on logits ----

// Saved: 0 input x, 1 target t, 2 pos_weight p (undefined when not given).
//   d/dx = (p t + 1 - t) sigmoid(x) - p t
//   d/dt = log(1 - sigmoid(x)) - p log(sigmoid(x)) = p softplus(-x) - softplus(x)  (-x without p)
// in the softplus form, finite for any x.
TensorList bce_logits_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0), t = n.saved(1), p = n.saved(2);
  Tensor gx, gt;
  if (GradMode::is_enabled()) {
    if (n.needs(0)) {
      if (p.defined()) {
        const Tensor pt = mul(p, t);
        gx = mul(g, sub(mul(add(rsub(t, 1.0), pt), nabla::sigmoid(x)), pt));
      } else {
        gx = mul(g, sub(nabla::sigmoid(x), t));
      }
    }
    if (n.needs(1))
      gt = p.defined() ? mul(g, sub(mul(p, nabla::softplus(neg(x))), nabla::softplus(x))) : mul(g, neg(x));
    return {gx, gt};
  }
  dispatch_floating(x.dtype(), "binary_cross_entropy_with_logits", [&](auto v) {
    using T = decltype(v);
    if (n.needs(0)) {
      gx = nabla::detail::empty(x.shape(), x.dtype());
      if (p.defined()) {
        quaternary_loop<T>(gx, g, x, t, p, [](T gv, T a, T y, T pw) {
          const T pt = pw * y;
          return ((pt + 1 - y) * vec::sigmoid(a) - pt) * gv;
        });
      } else {
        nabla::detail::ternary_loop<T, T, T, T>(gx, g, x, t,
                                                [](T gv, T a, T y) { return (vec::sigmoid(a) - y) * gv; });
      }
    }
    if (n.needs(1)) {
      gt = nabla::detail::empty(x.shape(), x.dtype());
      if (p.defined()) {
        nabla::detail::ternary_loop<T, T, T, T>(gt, g, x, p, [](T gv, T a, T pw) {
          return (pw * stable_softplus(-a) - stable_softplus(a)) * gv;
        });
      } else {
        nabla::detail::binary_loop<T, T, T>(gt, g, x, [](T gv, T a) { return -a * gv; });
      }
    }
  });
  return {gx, gt};
}

// PyTorch's stable form, with m = max(-x, 0):
//   (1 - t) x + m + log(exp(-m) + exp(-x - m))                                 without pos_weight
//   (1 - t) x + ((p - 1) t + 1) (log(exp(-m) + exp(-x - m)) + m)               with pos_weight p
Tensor bce_logits_elementwise(const Tensor& x, const Tensor& t, const Tensor& p) {
  Tensor out = nabla::detail::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), "binary_cross_entropy_with_logits", [&](auto v) {
    using T = decltype(v);
    if (p.defined()) {
      nabla::detail::ternary_loop<T, T, T, T>(out, x, t, p, [](T a, T y, T pw) {
        const T m = std::max(-a, T(0));
        return (1 - y) * a + ((pw - 1) * y + 1) * (std::log(std::exp(-m) + std::exp(-a - m)) + m);
      });
    } else {
      nabla::detail::binary_loop<T, T, T>(out, x, t, [](T a, T y) {
        const T m = std::max(-a, T(0));
        return (1 - y) * a + m + std::log(std::exp(-m) + std::exp(-a - m));
      });
    }
  });
  if (auto n = autograd::record("BinaryCrossEntropyWithLogitsBackward", bce_logits_rule, {&x, &t}, out)) {
    n->save(0, x);
    n->save(1, t);
    n->save(2, p);
  }
  return out;
}

}  // namespace

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BCELossOptions& options) {
  const char* op = "binary_cross_entropy";
  const auto [x, t] = loss_detail::promote(input, target, op);
  loss_detail::check_same_shape(x, t, op);
  Tensor loss = bce_elementwise(x, t);
  if (options.weight.defined())
    loss = mul(loss, loss_detail::constant_weight(options.weight, "weight", x.shape(), x.dtype(), op));
  return loss_detail::reduce(loss, options.reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLossOptions& options) {
  const char* op = "binary_cross_entropy_with_logits";
  const auto [x, t] = loss_detail::promote(input, target, op);
  loss_detail::check_same_shape(x, t, op);
  const Tensor p =
      options.pos_weight.defined()
          ? loss_detail::constant_weight(options.pos_weight, "pos_weight", x.shape(), x.dtype(), op)
          : Tensor();
  Tensor loss = bce_logits_elementwise(x, t, p);
  if (options.weight.defined())
    loss = mul(loss, loss_detail::constant_weight(options.weight, "weight", x.shape(), x.dtype(), op));
  return loss_detail::reduce(loss, options.reduction);
}

}  // namespace nabla::nn::functional
