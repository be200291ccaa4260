// Unary math and activations. Each derivative rule has two forms: a composite of
// differentiable ops, used when the backward pass itself is recorded (create_graph),
// and one fused loop over (grad, saved) otherwise, since that is the hot path.
#include <cmath>
#include <numbers>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "src/autograd/op_node.h"
#include "src/tensor/inplace.h"
#include "src/tensor/loops.h"
#include "src/tensor/vec_math.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;

// Applies f elementwise to a floating tensor (integers are promoted to float32).
template <class F>
Tensor map_float(const Tensor& x, const char* name, F f) {
  NABLA_CHECK(x.defined(), name, "undefined tensor");
  const Tensor xf = x.is_floating_point() ? x : x.to(kFloat32);
  Tensor out = detail::empty(xf.shape(), xf.dtype());
  if (xf.dtype() == kFloat32) detail::unary_loop<float, float>(out, xf, [&](float v) { return f(v); });
  else detail::unary_loop<double, double>(out, xf, [&](double v) { return f(v); });
  return out;
}

// out = f(a, b) elementwise for two floating tensors of one dtype (no autograd record).
template <class F>
Tensor map2(const Tensor& a, const Tensor& b, F f) {
  Tensor out = detail::empty(broadcast_shapes(a.shape(), b.shape(), "backward"), a.dtype());
  const Tensor bc = b.dtype() == a.dtype() ? b : b.to(a.dtype());
  if (a.dtype() == kFloat32) detail::binary_loop<float, float, float>(out, a, bc, [&](float u, float v) { return f(u, v); });
  else detail::binary_loop<double, double, double>(out, a, bc, [&](double u, double v) { return f(u, v); });
  return out;
}

template <class T>
T sign_of(T v) { return static_cast<T>((v > 0) - (v < 0)); }

// Records `rule` for out = op(x), saving x (input) or out (output) as slot 0.
enum class Save { Input, Output, None };
Tensor finish(const Tensor& x, Tensor out, const char* name, OpNode::Rule rule, Save save,
              double s0 = 0, double s1 = 0) {
  if (auto n = autograd::record(name, rule, {&x}, out)) {
    if (save == Save::Input) n->save(0, x);
    if (save == Save::Output) n->save(0, out, true);
    n->scalar[0] = s0;
    n->scalar[1] = s1;
  }
  return out;
}

#define FUSED(expr_composite, lambda) \
  (GradMode::is_enabled() ? (expr_composite) : map2(g, s, lambda))

TensorList neg_rule(OpNode&, const Tensor& g) { return {neg(g)}; }
TensorList exp_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(mul(g, s), [](auto a, auto y) { return a * y; })};
}
TensorList log_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(div(g, s), [](auto a, auto x) { return a / x; })};
}
TensorList log1p_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(div(g, add(s, 1.0)), [](auto a, auto x) { return a / (x + 1); })};
}
TensorList sqrt_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(div(g, mul(s, 2.0)), [](auto a, auto y) { return a / (2 * y); })};
}
TensorList rsqrt_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(mul(g, mul(pow(s, 3.0), -0.5)), [](auto a, auto y) { return -0.5f * a * y * y * y; })};
}
TensorList abs_rule(OpNode& n, const Tensor& g) { return {mul(g, sign(n.saved(0)))}; }
TensorList zero_rule(OpNode&, const Tensor& g) { return {zeros_like(g)}; }
TensorList sin_rule(OpNode& n, const Tensor& g) { return {mul(g, cos(n.saved(0)))}; }
TensorList cos_rule(OpNode& n, const Tensor& g) { return {neg(mul(g, sin(n.saved(0))))}; }
TensorList square_rule(OpNode& n, const Tensor& g) { return {mul(g, mul(n.saved(0), 2.0))}; }
TensorList reciprocal_rule(OpNode& n, const Tensor& g) {
  const Tensor y = n.saved(0);
  return {neg(mul(g, mul(y, y)))};
}
TensorList clamp_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  const Tensor inside = logical_and(ge(x, n.scalar[0]), le(x, n.scalar[1]));
  return {where(inside, g, zeros_like(g))};
}
TensorList pow_scalar_rule(OpNode& n, const Tensor& g) {
  const double e = n.scalar[0];
  if (e == 0) return {zeros_like(g)};
  return {mul(g, mul(pow(n.saved(0), e - 1), e))};
}
TensorList sigmoid_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(mul(g, mul(s, rsub(s, 1.0))), [](auto a, auto y) { return a * y * (1 - y); })};
}
TensorList tanh_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(mul(g, rsub(mul(s, s), 1.0)), [](auto a, auto y) { return a * (1 - y * y); })};
}
TensorList relu_rule(OpNode& n, const Tensor& g) {
  const Tensor s = n.saved(0);
  return {FUSED(where(gt(s, 0.0), g, zeros_like(g)), [](auto a, auto y) { return y > 0 ? a : decltype(a)(0); })};
}
TensorList leaky_relu_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  return {where(gt(x, 0.0), g, mul(g, n.scalar[0]))};
}
TensorList elu_rule(OpNode& n, const Tensor& g) {
  // For x <= 0, d/dx alpha (e^x - 1) = out + alpha.
  const Tensor y = n.saved(0);
  return {where(gt(y, 0.0), g, mul(g, add(y, n.scalar[0])))};
}
// The standard normal density φ and distribution Φ, for gelu's rule. Φ is recorded with
// derivative φ so that the rule can itself be differentiated (double backward).
Tensor normal_pdf(const Tensor& x) {
  return mul(exp(mul(mul(x, x), -0.5)), 1 / std::sqrt(2 * std::numbers::pi));
}
TensorList normal_cdf_rule(OpNode& n, const Tensor& g) { return {mul(g, normal_pdf(n.saved(0)))}; }
Tensor normal_cdf(const Tensor& x) {
  Tensor out = map_float(x, "gelu", [](auto v) {
    using T = decltype(v);
    return T(0.5) * (T(1) + std::erf(v * T(1 / std::numbers::sqrt2)));
  });
  return finish(x, out, "NormalCdfBackward", normal_cdf_rule, Save::Input);
}

TensorList gelu_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  // d/dx x Φ(x) = Φ(x) + x φ(x)
  if (n.scalar[0] == 0) return {mul(g, add(normal_cdf(x), mul(x, normal_pdf(x))))};
  // tanh form: 0.5 x (1 + tanh(u)), u = k (x + 0.044715 x^3)
  const double k = std::sqrt(2 / std::numbers::pi);
  const Tensor u = mul(add(x, mul(pow(x, 3.0), 0.044715)), k);
  const Tensor t = tanh(u);
  const Tensor du = mul(add(mul(mul(x, x), 3 * 0.044715), 1.0), k);
  const Tensor d = add(mul(add(t, 1.0), 0.5), mul(mul(mul(x, 0.5), rsub(mul(t, t), 1.0)), du));
  return {mul(g, d)};
}
TensorList softplus_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  const double beta = n.scalar[0], threshold = n.scalar[1];
  const Tensor bx = mul(x, beta);
  return {where(gt(bx, threshold), g, mul(g, sigmoid(bx)))};
}

#undef FUSED

}  // namespace

Tensor neg(const Tensor& x) {
  NABLA_CHECK(x.dtype() != kBool, "neg", "negation of a bool tensor is not supported; use logical_not");
  if (!x.is_floating_point()) return mul(x, -1.0);
  return finish(x, map_float(x, "neg", [](auto v) { return -v; }), "NegBackward", neg_rule, Save::None);
}
Tensor exp(const Tensor& x) {
  return finish(x, map_float(x, "exp", [](auto v) { return vec::exp(v); }), "ExpBackward", exp_rule, Save::Output);
}
Tensor log(const Tensor& x) {
  return finish(x, map_float(x, "log", [](auto v) { return std::log(v); }), "LogBackward", log_rule, Save::Input);
}
Tensor log1p(const Tensor& x) {
  return finish(x, map_float(x, "log1p", [](auto v) { return std::log1p(v); }), "Log1pBackward", log1p_rule,
                Save::Input);
}
Tensor sqrt(const Tensor& x) {
  return finish(x, map_float(x, "sqrt", [](auto v) { return std::sqrt(v); }), "SqrtBackward", sqrt_rule,
                Save::Output);
}
Tensor rsqrt(const Tensor& x) {
  return finish(x, map_float(x, "rsqrt", [](auto v) { return decltype(v)(1) / std::sqrt(v); }), "RsqrtBackward",
                rsqrt_rule, Save::Output);
}
Tensor abs(const Tensor& x) {
  if (!x.is_floating_point()) return where(lt(x, 0.0), mul(x, -1.0), x);
  return finish(x, map_float(x, "abs", [](auto v) { return std::abs(v); }), "AbsBackward", abs_rule, Save::Input);
}
Tensor sign(const Tensor& x) {
  return finish(x, map_float(x, "sign", [](auto v) { return sign_of(v); }), "SignBackward", zero_rule, Save::None);
}
Tensor sin(const Tensor& x) {
  return finish(x, map_float(x, "sin", [](auto v) { return std::sin(v); }), "SinBackward", sin_rule, Save::Input);
}
Tensor cos(const Tensor& x) {
  return finish(x, map_float(x, "cos", [](auto v) { return std::cos(v); }), "CosBackward", cos_rule, Save::Input);
}
Tensor square(const Tensor& x) {
  return finish(x, map_float(x, "square", [](auto v) { return v * v; }), "SquareBackward", square_rule,
                Save::Input);
}
Tensor reciprocal(const Tensor& x) {
  return finish(x, map_float(x, "reciprocal", [](auto v) { return decltype(v)(1) / v; }), "ReciprocalBackward",
                reciprocal_rule, Save::Output);
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  NABLA_CHECK(!(lo > hi), "clamp", "min ", lo, " is greater than max ", hi);
  return finish(x,
                map_float(x, "clamp",
                          [lo, hi](auto v) {
                            using T = decltype(v);
                            return v != v ? v : (v < T(lo) ? T(lo) : (v > T(hi) ? T(hi) : v));
                          }),
                "ClampBackward", clamp_rule, Save::Input, lo, hi);
}
Tensor clamp_min(const Tensor& x, double lo) { return clamp(x, lo, INFINITY); }
Tensor clamp_max(const Tensor& x, double hi) { return clamp(x, -INFINITY, hi); }
Tensor pow(const Tensor& x, double e) {
  if (e == 1) return x.is_floating_point() ? mul(x, 1.0) : x.to(kFloat32);
  if (e == 2) return square(x);
  return finish(x,
                map_float(x, "pow", [e](auto v) { return static_cast<decltype(v)>(std::pow(v, decltype(v)(e))); }),
                "PowBackward", pow_scalar_rule, Save::Input, e);
}

Tensor sigmoid(const Tensor& x) {
  return finish(x, map_float(x, "sigmoid", [](auto v) { return vec::sigmoid(v); }), "SigmoidBackward",
                sigmoid_rule, Save::Output);
}
Tensor tanh(const Tensor& x) {
  return finish(x, map_float(x, "tanh", [](auto v) { return vec::tanh(v); }), "TanhBackward", tanh_rule,
                Save::Output);
}
Tensor relu(const Tensor& x) {
  // v > 0 ? v : 0 keeps NaN (comparison is false for NaN, so test the negation).
  return finish(x, map_float(x, "relu", [](auto v) { return v <= 0 ? decltype(v)(0) : v; }), "ReluBackward",
                relu_rule, Save::Output);
}
Tensor leaky_relu(const Tensor& x, double slope) {
  return finish(x, map_float(x, "leaky_relu", [slope](auto v) { return v > 0 ? v : v * decltype(v)(slope); }),
                "LeakyReluBackward", leaky_relu_rule, Save::Input, slope);
}
Tensor elu(const Tensor& x, double alpha) {
  return finish(x,
                map_float(x, "elu",
                          [alpha](auto v) {
                            using T = decltype(v);
                            return v > 0 ? v : T(alpha) * (std::expm1(v));
                          }),
                "EluBackward", elu_rule, Save::Output, alpha);
}
Tensor gelu(const Tensor& x, std::string_view approximate) {
  NABLA_CHECK(approximate == "none" || approximate == "tanh", "gelu", "approximate must be 'none' or 'tanh', got '",
              approximate, "'");
  const bool tanh_form = approximate == "tanh";
  Tensor out = map_float(x, "gelu", [tanh_form](auto v) {
    using T = decltype(v);
    if (tanh_form) {
      const T k = T(0.7978845608028654);
      return T(0.5) * v * (T(1) + std::tanh(k * (v + T(0.044715) * v * v * v)));
    }
    return T(0.5) * v * (T(1) + std::erf(v * T(0.7071067811865476)));
  });
  return finish(x, out, "GeluBackward", gelu_rule, Save::Input, tanh_form ? 1 : 0);
}
Tensor softplus(const Tensor& x, double beta, double threshold) {
  Tensor out = map_float(x, "softplus", [beta, threshold](auto v) {
    using T = decltype(v);
    const T bx = v * T(beta);
    return bx > T(threshold) ? v : std::log1p(std::exp(bx)) / T(beta);
  });
  return finish(x, out, "SoftplusBackward", softplus_rule, Save::Input, beta, threshold);
}

Tensor& Tensor::clamp_(double lo, double hi) {
  // While recording, clamp saves its input, which must not be self's soon-overwritten storage.
  const bool recording = GradMode::is_enabled() && requires_grad();
  return detail::assign_result(*this, clamp(recording ? clone() : *this, lo, hi), "clamp_");
}

}  // namespace nabla
