// The elementwise ops of nabla/tensor/math.h: values (with broadcasting and type
// promotion), scalar forms, in-place variants and their autograd rules, comparisons,
// NaN propagation, float32 accuracy of the vectorised transcendentals, and first and
// second derivatives.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <string>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

using namespace nabla;
using nabla::testing::expect_values;
using nabla::testing::f64;
using nabla::testing::param;
using nabla::testing::rand_param;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// f applied to every element of x (as double), in row-major order.
template <class F>
std::vector<double> map_values(const Tensor& x, F f) {
  std::vector<double> v = x.to_vector<double>();
  for (double& e : v) e = f(e);
  return v;
}

// f(a, b) over the broadcast of a and b, computed from expanded copies.
template <class F>
std::vector<double> broadcast_values(const Tensor& a, const Tensor& b, F f) {
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), "test");
  const std::vector<double> av = a.detach().expand(shape).to_vector<double>();
  const std::vector<double> bv = b.detach().expand(shape).to_vector<double>();
  std::vector<double> out(av.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = f(av[i], bv[i]);
  return out;
}

double gelu_ref(double x) { return 0.5 * x * (1 + std::erf(x / std::numbers::sqrt2)); }
double gelu_tanh_ref(double x) {
  return 0.5 * x * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
}
double sigmoid_ref(double x) { return 1 / (1 + std::exp(-x)); }

// ---- unary ops: one table drives values, dtypes, shapes and gradients ---------------

struct UnaryCase {
  const char* name;
  Tensor (*op)(const Tensor&);
  double (*ref)(double);
  double lo, hi;  // sample domain (kinks are avoided by the random draw)
};

const UnaryCase kUnary[] = {
    {"neg", [](const Tensor& x) { return neg(x); }, [](double x) { return -x; }, -3, 3},
    {"exp", [](const Tensor& x) { return exp(x); }, [](double x) { return std::exp(x); }, -3, 3},
    {"log", [](const Tensor& x) { return log(x); }, [](double x) { return std::log(x); }, 0.2, 4},
    {"log1p", [](const Tensor& x) { return log1p(x); }, [](double x) { return std::log1p(x); }, -0.8, 4},
    {"sqrt", [](const Tensor& x) { return sqrt(x); }, [](double x) { return std::sqrt(x); }, 0.2, 4},
    {"rsqrt", [](const Tensor& x) { return rsqrt(x); }, [](double x) { return 1 / std::sqrt(x); }, 0.2, 4},
    {"abs", [](const Tensor& x) { return abs(x); }, [](double x) { return std::abs(x); }, -3, 3},
    {"sign", [](const Tensor& x) { return sign(x); }, [](double x) { return double((x > 0) - (x < 0)); }, -3,
     3},
    {"sin", [](const Tensor& x) { return sin(x); }, [](double x) { return std::sin(x); }, -4, 4},
    {"cos", [](const Tensor& x) { return cos(x); }, [](double x) { return std::cos(x); }, -4, 4},
    {"square", [](const Tensor& x) { return square(x); }, [](double x) { return x * x; }, -3, 3},
    {"reciprocal", [](const Tensor& x) { return reciprocal(x); }, [](double x) { return 1 / x; }, 0.2, 3},
    {"clamp", [](const Tensor& x) { return clamp(x, -0.5, 0.7); },
     [](double x) { return std::min(std::max(x, -0.5), 0.7); }, -2, 2},
    {"clamp_min", [](const Tensor& x) { return clamp_min(x, -0.5); },
     [](double x) { return std::max(x, -0.5); }, -2, 2},
    {"clamp_max", [](const Tensor& x) { return clamp_max(x, 0.7); },
     [](double x) { return std::min(x, 0.7); }, -2, 2},
    {"pow_3", [](const Tensor& x) { return pow(x, 3.0); }, [](double x) { return x * x * x; }, -2, 2},
    {"pow_half", [](const Tensor& x) { return pow(x, 0.5); }, [](double x) { return std::sqrt(x); }, 0.2, 4},
    {"pow_neg", [](const Tensor& x) { return pow(x, -1.5); }, [](double x) { return std::pow(x, -1.5); }, 0.2,
     4},
    {"pow_2", [](const Tensor& x) { return pow(x, 2.0); }, [](double x) { return x * x; }, -2, 2},
    {"pow_1", [](const Tensor& x) { return pow(x, 1.0); }, [](double x) { return x; }, -2, 2},
    {"pow_0", [](const Tensor& x) { return pow(x, 0.0); }, [](double) { return 1.0; }, -2, 2},
    {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, sigmoid_ref, -6, 6},
    {"tanh", [](const Tensor& x) { return tanh(x); }, [](double x) { return std::tanh(x); }, -4, 4},
    {"relu", [](const Tensor& x) { return relu(x); }, [](double x) { return std::max(x, 0.0); }, -2, 2},
    {"leaky_relu", [](const Tensor& x) { return leaky_relu(x, 0.1); },
     [](double x) { return x > 0 ? x : 0.1 * x; }, -2, 2},
    {"elu", [](const Tensor& x) { return elu(x, 1.5); },
     [](double x) { return x > 0 ? x : 1.5 * std::expm1(x); }, -3, 3},
    {"gelu", [](const Tensor& x) { return gelu(x); }, gelu_ref, -4, 4},
    {"gelu_tanh", [](const Tensor& x) { return gelu(x, "tanh"); }, gelu_tanh_ref, -4, 4},
    // beta 2, threshold 3: inputs above 1.5 take the linear branch.
    {"softplus", [](const Tensor& x) { return softplus(x, 2, 3); },
     [](double x) { return 2 * x > 3 ? x : std::log1p(std::exp(2 * x)) / 2; }, -3, 3},
};

void PrintTo(const UnaryCase& c, std::ostream* os) { *os << c.name; }

class Unary : public ::testing::TestWithParam<UnaryCase> {};

TEST_P(Unary, Float64MatchesReference) {
  const UnaryCase& c = GetParam();
  const Tensor x = rand_param({3, 5}, c.lo, c.hi).detach();
  const Tensor y = c.op(x);
  EXPECT_EQ(y.dtype(), kFloat64);
  EXPECT_EQ(y.shape(), x.shape());
  expect_values(y, map_values(x, c.ref), 1e-14);
}

TEST_P(Unary, Float32MatchesReference) {
  const UnaryCase& c = GetParam();
  const Tensor x = rand_param({40}, c.lo, c.hi).detach().to(kFloat32);
  const Tensor y = c.op(x);
  EXPECT_EQ(y.dtype(), kFloat32);
  expect_values(y, map_values(x, c.ref), 2e-6);
}

TEST_P(Unary, NonContiguousInput) {
  const UnaryCase& c = GetParam();
  const Tensor x = rand_param({4, 6}, c.lo, c.hi).detach().t().slice(0, 0, 6, 2);
  ASSERT_FALSE(x.is_contiguous());
  expect_values(c.op(x), map_values(x, c.ref), 1e-14);
}

TEST_P(Unary, Gradcheck) {
  const UnaryCase& c = GetParam();
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return c.op(in[0]); },
                   {rand_param({2, 3}, c.lo, c.hi)});
}

// Every derivative rule is itself differentiable (create_graph).
TEST_P(Unary, Gradgradcheck) {
  const UnaryCase& c = GetParam();
  EXPECT_GRADGRADCHECK([&](const std::vector<Tensor>& in) { return c.op(in[0]); },
                       {rand_param({2, 3}, c.lo, c.hi)});
}

TEST_P(Unary, NoGradModeRecordsNothing) {
  const UnaryCase& c = GetParam();
  const Tensor x = rand_param({3}, c.lo, c.hi);
  EXPECT_TRUE(c.op(x).requires_grad());
  NoGradGuard guard;
  EXPECT_FALSE(c.op(x).requires_grad());
}

INSTANTIATE_TEST_SUITE_P(Elementwise, Unary, ::testing::ValuesIn(kUnary),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Elementwise, UnaryOnIntegersPromotesToFloat32) {
  const Tensor i = from_vector(std::vector<int64_t>{-2, 0, 3}, {3});
  EXPECT_EQ(exp(i).dtype(), kFloat32);
  expect_values(exp(i), {std::exp(-2.0), 1, std::exp(3.0)}, 1e-6);
  EXPECT_EQ(sqrt(i.to(kBool)).dtype(), kFloat32);
  // abs and neg keep integers integral, as in PyTorch.
  EXPECT_EQ(abs(i).dtype(), kInt64);
  EXPECT_EQ(abs(i).to_vector<int64_t>(), (std::vector<int64_t>{2, 0, 3}));
  EXPECT_EQ(neg(i).dtype(), kInt64);
  EXPECT_EQ(neg(i).to_vector<int64_t>(), (std::vector<int64_t>{2, 0, -3}));
  EXPECT_THROW(neg(i.to(kBool)), Error);
}

TEST(Elementwise, ClampChecksBoundsAndKeepsInfiniteSides) {
  EXPECT_THROW(clamp(f64({1}), 2, 1), Error);
  expect_values(clamp(f64({-kInf, -1, 5, kInf}), -2, kInf), {-2, -1, 5, kInf});
  expect_values(clamp_max(f64({-kInf, 5}), 3), {-kInf, 3});
}

TEST(Elementwise, GeluRejectsUnknownApproximation) {
  try {
    gelu(f64({1}), "fast");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gelu"), std::string::npos) << e.what();
  }
}

TEST(Elementwise, SoftplusThresholdSwitchesToIdentity) {
  // beta x > threshold returns x exactly (not log1p(exp(.)) which would overflow).
  expect_values(softplus(f64({100, 1000})), {100, 1000});
  expect_values(softplus(f64({-1000})), {0});
}

// ---- binary ops ------------------------------------------------------------------

struct BinaryCase {
  const char* name;
  Tensor (*op)(const Tensor&, const Tensor&);
  double (*ref)(double, double);
  double lo_a, hi_a, lo_b, hi_b;
};

const BinaryCase kBinary[] = {
    {"add", [](const Tensor& a, const Tensor& b) { return add(a, b); },
     [](double a, double b) { return a + b; }, -2, 2, -2, 2},
    {"add_alpha", [](const Tensor& a, const Tensor& b) { return add(a, b, -2.5); },
     [](double a, double b) { return a - 2.5 * b; }, -2, 2, -2, 2},
    {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); },
     [](double a, double b) { return a - b; }, -2, 2, -2, 2},
    {"sub_alpha", [](const Tensor& a, const Tensor& b) { return sub(a, b, 3); },
     [](double a, double b) { return a - 3 * b; }, -2, 2, -2, 2},
    {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); },
     [](double a, double b) { return a * b; }, -2, 2, -2, 2},
    {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); },
     [](double a, double b) { return a / b; }, -2, 2, 0.5, 2},
    {"pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); },
     [](double a, double b) { return std::pow(a, b); }, 0.3, 2, -2, 2},
    {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); },
     [](double a, double b) { return std::min(a, b); }, -2, 2, -2, 2},
    {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); },
     [](double a, double b) { return std::max(a, b); }, -2, 2, -2, 2},
};

struct ShapePair {
  Shape a, b;
};
const ShapePair kShapes[] = {
    {{2, 3}, {2, 3}}, {{3, 1}, {1, 4}}, {{2, 3}, {3}}, {{}, {2, 3}}, {{2, 1, 3}, {4, 1}}};

void PrintTo(const BinaryCase& c, std::ostream* os) { *os << c.name; }

class Binary : public ::testing::TestWithParam<BinaryCase> {};

TEST_P(Binary, BroadcastValues) {
  const BinaryCase& c = GetParam();
  for (const ShapePair& s : kShapes) {
    SCOPED_TRACE(s.a.str() + " with " + s.b.str());
    const Tensor a = rand_param(s.a, c.lo_a, c.hi_a, 1).detach(),
                 b = rand_param(s.b, c.lo_b, c.hi_b, 2).detach();
    const Tensor y = c.op(a, b);
    EXPECT_EQ(y.shape(), broadcast_shapes(s.a, s.b, "test"));
    expect_values(y, broadcast_values(a, b, c.ref), 1e-15);
    expect_values(c.op(a.to(kFloat32), b.to(kFloat32)), broadcast_values(a, b, c.ref), 1e-6);
  }
}

TEST_P(Binary, BroadcastGradcheck) {
  const BinaryCase& c = GetParam();
  const auto f = [&](const std::vector<Tensor>& in) { return c.op(in[0], in[1]); };
  for (const ShapePair& s : kShapes) {
    SCOPED_TRACE(s.a.str() + " with " + s.b.str());
    EXPECT_GRADCHECK(f, {rand_param(s.a, c.lo_a, c.hi_a, 1), rand_param(s.b, c.lo_b, c.hi_b, 2)});
  }
}

TEST_P(Binary, GradcheckWithOneConstantOperand) {
  const BinaryCase& c = GetParam();
  const auto f = [&](const std::vector<Tensor>& in) { return c.op(in[0], in[1]); };
  EXPECT_GRADCHECK(f,
                   {rand_param({3, 1}, c.lo_a, c.hi_a, 1), rand_param({1, 4}, c.lo_b, c.hi_b, 2).detach()});
  EXPECT_GRADCHECK(f,
                   {rand_param({3, 1}, c.lo_a, c.hi_a, 1).detach(), rand_param({1, 4}, c.lo_b, c.hi_b, 2)});
}

TEST_P(Binary, Gradgradcheck) {
  const BinaryCase& c = GetParam();
  const auto f = [&](const std::vector<Tensor>& in) { return c.op(in[0], in[1]); };
  EXPECT_GRADGRADCHECK(f, {rand_param({3, 1}, c.lo_a, c.hi_a, 1), rand_param({1, 4}, c.lo_b, c.hi_b, 2)});
}

TEST_P(Binary, IncompatibleShapesThrowNamingTheShapes) {
  const BinaryCase& c = GetParam();
  try {
    c.op(f64({1, 2, 3}), f64({1, 2}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("[3]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[2]"), std::string::npos) << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(Elementwise, Binary, ::testing::ValuesIn(kBinary),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Elementwise, BinaryOpNameInErrors) {
  try {
    mul(f64({1, 2, 3}), f64({1, 2}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("mul:", 0), 0u) << e.what();
  }
}

TEST(Elementwise, TypePromotion) {
  const Tensor f = tensor({1.5, 2}), d = f64({0.25, 4});
  const Tensor i = from_vector(std::vector<int64_t>{3, -4}, {2}), b = tensor({1, 0}, {.dtype = kBool});
  EXPECT_EQ(add(f, d).dtype(), kFloat64);
  EXPECT_EQ(add(i, f).dtype(), kFloat32);
  expect_values(add(i, f), {4.5, -2});
  EXPECT_EQ(mul(b, i).dtype(), kInt64);
  EXPECT_EQ(mul(b, i).to_vector<int64_t>(), (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(add(b, b.to(kInt64)).dtype(), kInt64);
  EXPECT_EQ(sub(d, i).dtype(), kFloat64);
  // Integer arithmetic is exact (not routed through floating point).
  const int64_t big = (int64_t{1} << 60) + 1;
  const Tensor bi = from_vector(std::vector<int64_t>{big}, {1});
  EXPECT_EQ(add(bi, bi).item<int64_t>(), 2 * big);
  EXPECT_EQ(mul(bi, from_vector(std::vector<int64_t>{3}, {1})).item<int64_t>(), 3 * big);
  // True division of integers gives float32.
  const Tensor q = div(i, from_vector(std::vector<int64_t>{2, 8}, {2}));
  EXPECT_EQ(q.dtype(), kFloat32);
  expect_values(q, {1.5, -0.5});
  // Bool arithmetic is refused rather than silently reinterpreted.
  EXPECT_THROW(sub(b, b), Error);
}

TEST(Elementwise, ScalarFormsKeepTheTensorDtype) {
  const Tensor f = tensor({1.5, -2}), d = f64({1.5, -2});
  const Tensor i = from_vector(std::vector<int64_t>{3, -4}, {2});
  for (const Tensor& t : {f, d}) {
    SCOPED_TRACE(dtype_name(t.dtype()));
    EXPECT_EQ(add(t, 0.1).dtype(), t.dtype());
    expect_values(add(t, 2), {3.5, 0});
    expect_values(sub(t, 2), {-0.5, -4});
    expect_values(mul(t, -2), {-3, 4});
    expect_values(div(t, 4), {0.375, -0.5});
    expect_values(rsub(t, 1), {-0.5, 3});
    expect_values(rdiv(t, 3), {2, -1.5});
    expect_values(pow(t, 2.0), {2.25, 4});
    expect_values(pow(2.0, t), {std::pow(2, 1.5), 0.25}, 1e-7);
    EXPECT_EQ(pow(2.0, t).dtype(), t.dtype());
    // Operators forward to the same functions.
    expect_values(t + 1.0, {2.5, -1});
    expect_values(1.0 + t, {2.5, -1});
    expect_values(t - 1.0, {0.5, -3});
    expect_values(1.0 - t, {-0.5, 3});
    expect_values(t * 2.0, {3, -4});
    expect_values(2.0 * t, {3, -4});
    expect_values(t / 2.0, {0.75, -1});
    expect_values(3.0 / t, {2, -1.5});
    expect_values(-t, {-1.5, 2});
    expect_values(t + t, {3, -4});
    expect_values(t - t * t, {-0.75, -6});
    expect_values(t / t, {1, 1});
  }
  // Whole numbers keep integer tensors integral; fractions promote to float32.
  EXPECT_EQ(mul(i, 2).dtype(), kInt64);
  EXPECT_EQ(mul(i, 2).to_vector<int64_t>(), (std::vector<int64_t>{6, -8}));
  EXPECT_EQ(mul(i, 2.5).dtype(), kFloat32);
  expect_values(mul(i, 2.5), {7.5, -10});
  EXPECT_EQ(div(i, 2).dtype(), kFloat32);
  expect_values(div(i, 2), {1.5, -2});
  EXPECT_EQ(rdiv(i, 6).dtype(), kFloat32);
  expect_values(rdiv(i, 6), {2, -1.5});
}

TEST(Elementwise, ScalarFormsGradcheck) {
  const std::vector<Tensor> in = {rand_param({2, 3}, 0.5, 2)};
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return add(x[0], 3); }, in);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return sub(x[0], 3); }, in);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return mul(x[0], -1.5); }, in);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return div(x[0], 4); }, in);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return rsub(x[0], 2); }, in);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return rdiv(x[0], 2); }, in);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& x) { return pow(1.7, x[0]); }, in);
  EXPECT_GRADGRADCHECK([](const std::vector<Tensor>& x) { return rdiv(x[0], 2); }, in);
  EXPECT_GRADGRADCHECK([](const std::vector<Tensor>& x) { return pow(1.7, x[0]); }, in);
}

TEST(Elementwise, MixedDtypeGradientsComeBackInTheInputDtype) {
  Tensor a = param({1, 2}, {2});
  Tensor b = tensor({3, 4}, {.dtype = kFloat32, .requires_grad = true});
  mul(a, b).sum().backward();
  EXPECT_EQ(a.grad().dtype(), kFloat64);
  EXPECT_EQ(b.grad().dtype(), kFloat32);
  expect_values(a.grad(), {3, 4});
  expect_values(b.grad(), {1, 2});
}

TEST(Elementwise, PowDerivativeConventionsAtZero) {
  // d/da a^b is 0 where b == 0; d/db a^b is 0 where a == 0 and b >= 0 (PyTorch's rules).
  Tensor a = param({0, 0, 2}, {3}), b = param({0, 2, 0}, {3});
  pow(a, b).sum().backward();
  expect_values(a.grad(), {0, 0, 0});
  expect_values(b.grad(), {0, 0, std::log(2.0)}, 1e-15);
}

TEST(Elementwise, MinimumMaximumSplitTiedGradients) {
  Tensor a = param({1, 2, 5}, {3}), b = param({1, 3, 4}, {3});
  maximum(a, b).sum().backward();
  expect_values(a.grad(), {0.5, 0, 1});
  expect_values(b.grad(), {0.5, 1, 0});
  Tensor c = param({1, 2, 5}, {3}), d = param({1, 3, 4}, {3});
  minimum(c, d).sum().backward();
  expect_values(c.grad(), {0.5, 1, 0});
  expect_values(d.grad(), {0.5, 0, 1});
}

TEST(Elementwise, DerivativesAtKinks) {
  // PyTorch's choices: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha, abs'(0) = 0,
  // clamp passes the gradient at its bounds.
  const auto grad_at = [](Tensor (*f)(const Tensor&), std::vector<double> x) {
    Tensor p = param(x, {static_cast<int64_t>(x.size())});
    f(p).sum().backward();
    return p.grad().to_vector<double>();
  };
  EXPECT_EQ(grad_at([](const Tensor& x) { return relu(x); }, {0}), std::vector<double>{0});
  EXPECT_EQ(grad_at([](const Tensor& x) { return leaky_relu(x, 0.2); }, {0}), std::vector<double>{0.2});
  EXPECT_EQ(grad_at([](const Tensor& x) { return elu(x, 1.5); }, {0}), std::vector<double>{1.5});
  EXPECT_EQ(grad_at([](const Tensor& x) { return abs(x); }, {0}), std::vector<double>{0});
  EXPECT_EQ(grad_at([](const Tensor& x) { return clamp(x, -1, 1); }, {-1, 1, 1.5}),
            (std::vector<double>{1, 1, 0}));
}

// ---- in-place variants --------------------------------------------------------------

TEST(Elementwise, InPlaceValues) {
  Tensor x = f64({1, 2, 3, 4}, {2, 2});
  const Tensor row = f64({10, 20}, {2});
  const void* data = x.raw_data();
  x.add_(row);
  expect_values(x, {11, 22, 13, 24});
  x.sub_(row, 0.5);
  expect_values(x, {6, 12, 8, 14});
  x.mul_(f64({2}));
  expect_values(x, {12, 24, 16, 28});
  x.div_(f64({4, 2}, {2, 1}));
  expect_values(x, {3, 6, 8, 14});
  x.add_(1);
  x.sub_(2);
  x.mul_(3);
  x.div_(6);
  expect_values(x, {1, 2.5, 3.5, 6.5});
  x.clamp_(2, 6);
  expect_values(x, {2, 2.5, 3.5, 6});
  x += row;
  x -= f64({1});
  x *= row;
  x /= row;
  expect_values(x, {11, 21.5, 12.5, 25});
  x += 1.0;
  x -= 2.0;
  x *= 2.0;
  x /= 4.0;
  expect_values(x, {5, 10.25, 5.75, 12});
  x.fill_(7);
  expect_values(x, {7, 7, 7, 7});
  x.zero_();
  expect_values(x, {0, 0, 0, 0});
  x.copy_(f64({1, 2}));
  expect_values(x, {1, 2, 1, 2});
  EXPECT_EQ(x.raw_data(), data);  // all of the above wrote into the same memory
}

TEST(Elementwise, InPlaceReturnsSelfAndWritesThroughViews) {
  Tensor base = zeros({3, 4}, {.dtype = kFloat64});
  Tensor col = base.select(1, 2);
  Tensor& r = col.add_(5);
  EXPECT_EQ(&r, &col);
  expect_values(base, {0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5, 0});
  base.t().narrow(0, 0, 1).fill_(-1);  // column 0 through a transposed view
  expect_values(base, {-1, 0, 5, 0, -1, 0, 5, 0, -1, 0, 5, 0});
}

TEST(Elementwise, InPlaceDtypeAndShapeRules) {
  Tensor f = tensor({1, 2});
  f.add_(f64({0.5, 0.25}));  // float64 -> float32 is a permitted cast, as in PyTorch
  EXPECT_EQ(f.dtype(), kFloat32);
  expect_values(f, {1.5, 2.25});
  f.mul_(from_vector(std::vector<int64_t>{2, 4}, {2}));
  expect_values(f, {3, 9});
  Tensor i = from_vector(std::vector<int64_t>{1, 2}, {2});
  i.add_(3);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{4, 5}));
  EXPECT_THROW(i.add_(2.5), Error);  // float result into an int64 tensor
  EXPECT_THROW(i.add_(tensor({1, 1})), Error);
  EXPECT_THROW(i.div_(i), Error);
  Tensor b = tensor({1, 0}, {.dtype = kBool});
  EXPECT_THROW(b.add_(i), Error);
  // The result must keep self's shape.
  Tensor small = f64({1, 2});
  EXPECT_THROW(small.add_(f64({1, 2, 3, 4}, {2, 2})), Error);
  // Several elements of an expanded tensor share memory.
  Tensor e = f64({1, 2}).expand({3, 2});
  EXPECT_THROW(e.add_(1), Error);
  EXPECT_THROW(e.fill_(1), Error);
  EXPECT_THROW(e.copy_(zeros({3, 2})), Error);
  EXPECT_THROW(small.copy_(f64({1, 2, 3})), Error);
}

TEST(Elementwise, InPlaceOnLeafRequiringGradIsRefused) {
  Tensor x = param({1, 2}, {2});
  for (auto op :
       std::vector<std::function<void()>>{[&] { x.add_(1); },
                                          [&] {
                                            x.mul_(f64({2, 2}));
                                          },
                                          [&] { x.clamp_(0, 1); }, [&] { x.fill_(0); }, [&] { x.zero_(); },
                                          [&] {
                                            x.copy_(f64({3, 4}));
                                          },
                                          [&] { x += 1.0; }}) {
    try {
      op();
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("leaf"), std::string::npos) << e.what();
    }
  }
  expect_values(x, {1, 2});
  // Without recording (e.g. an optimiser step) it is allowed and keeps x a leaf.
  {
    NoGradGuard guard;
    x.sub_(f64({0.5, 0.5}));
    x.mul_(2);
  }
  expect_values(x, {1, 3});
  EXPECT_TRUE(x.is_leaf());
  EXPECT_TRUE(x.requires_grad());
}

TEST(Elementwise, InPlaceOnNonLeafIsDifferentiated) {
  Tensor x = param({1, 2}, {2}), w = param({3, 5}, {2});
  Tensor y = mul(x, 2.0);
  y.add_(w);            // y = 2x + w
  y.mul_(3.0);          // y = 6x + 3w
  y.sub_(x, 2);         // y = 4x + 3w
  y.clamp_(-100, 100);  // inside: identity
  EXPECT_FALSE(y.is_leaf());
  y.sum().backward();
  expect_values(x.grad(), {4, 4});
  expect_values(w.grad(), {3, 3});
}

TEST(Elementwise, InPlaceIntoPlainTensorFromGradTensorRecords) {
  Tensor src = param({1, 2, 3}, {3});
  Tensor dst = zeros({2, 3}, {.dtype = kFloat32});
  dst.copy_(src);  // broadcast and float64 -> float32
  EXPECT_TRUE(dst.requires_grad());
  mul(dst, tensor({{1, 2, 3}, {4, 5, 6}})).sum().backward();
  EXPECT_EQ(src.grad().dtype(), kFloat64);
  expect_values(src.grad(), {5, 7, 9});

  Tensor acc = zeros({2}, {.dtype = kFloat64});
  Tensor w = param({2, 3}, {2});
  acc.add_(w, 4);
  acc.sum().backward();
  expect_values(w.grad(), {4, 4});
}

TEST(Elementwise, OverwritingInPlaceCutsTheOldHistory) {
  Tensor x = param({1, 2}, {2});
  Tensor y = mul(x, 2.0);
  y.fill_(3);
  Tensor z = mul(x, 2.0);
  z.copy_(f64({5, 6}));
  add(y, z).sum().backward();
  // No gradient reaches x: either none was accumulated or it is zero.
  if (x.grad().defined()) expect_values(x.grad(), {0, 0});
  expect_values(y, {3, 3});
}

TEST(Elementwise, InPlaceOnSavedTensorIsDetected) {
  // While recording: refused up front, since exp saved its output.
  Tensor x = param({1, 2}, {2});
  Tensor a = exp(x);
  EXPECT_THROW(a.add_(1), Error);
  // Without recording the write succeeds, and backward through the stale saved value throws.
  Tensor b = mul(a, a);
  {
    NoGradGuard guard;
    a.mul_(2);
  }
  EXPECT_THROW(b.sum().backward(), Error);
}

TEST(Elementwise, InPlaceWhileAViewSharesStorageIsRefused) {
  Tensor x = param({1, 2, 3, 4}, {4});
  Tensor y = mul(x, 2.0);
  Tensor v = y.view({2, 2});
  EXPECT_THROW(y.add_(1), Error);
  EXPECT_THROW(v.add_(1), Error);
}

// ---- comparisons, logical ops, where ------------------------------------------------

TEST(Elementwise, Comparisons) {
  const Tensor a = f64({1, 2, 3}), b = f64({3, 2, 1});
  const auto bools = [](const Tensor& t) {
    EXPECT_EQ(t.dtype(), kBool);
    return t.to_vector<int64_t>();
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(bools(eq(a, b)), (V{0, 1, 0}));
  EXPECT_EQ(bools(ne(a, b)), (V{1, 0, 1}));
  EXPECT_EQ(bools(lt(a, b)), (V{1, 0, 0}));
  EXPECT_EQ(bools(le(a, b)), (V{1, 1, 0}));
  EXPECT_EQ(bools(gt(a, b)), (V{0, 0, 1}));
  EXPECT_EQ(bools(ge(a, b)), (V{0, 1, 1}));
  EXPECT_EQ(bools(eq(a, 2)), (V{0, 1, 0}));
  EXPECT_EQ(bools(ne(a, 2)), (V{1, 0, 1}));
  EXPECT_EQ(bools(lt(a, 2)), (V{1, 0, 0}));
  EXPECT_EQ(bools(le(a, 2)), (V{1, 1, 0}));
  EXPECT_EQ(bools(gt(a, 2)), (V{0, 0, 1}));
  EXPECT_EQ(bools(ge(a, 2)), (V{0, 1, 1}));
  EXPECT_EQ(bools(a < b), (V{1, 0, 0}));
  EXPECT_EQ(bools(a <= b), (V{1, 1, 0}));
  EXPECT_EQ(bools(a > b), (V{0, 0, 1}));
  EXPECT_EQ(bools(a >= b), (V{0, 1, 1}));
  EXPECT_EQ(bools(a < 2.0), (V{1, 0, 0}));
  EXPECT_EQ(bools(a <= 2.0), (V{1, 1, 0}));
  EXPECT_EQ(bools(a > 2.0), (V{0, 0, 1}));
  EXPECT_EQ(bools(a >= 2.0), (V{0, 1, 1}));
  // Broadcasting [3, 1] against [3].
  const Tensor c = lt(a.view({3, 1}), b);
  EXPECT_EQ(c.shape(), Shape({3, 3}));
  EXPECT_EQ(bools(c), (V{1, 1, 0, 1, 0, 0, 0, 0, 0}));
  // Mixed dtypes compare exactly: an int64 tensor against 2.5 and a float32 tensor.
  const Tensor i = from_vector(std::vector<int64_t>{2, 3}, {2});
  EXPECT_EQ(bools(eq(i, 2.5)), (V{0, 0}));
  EXPECT_EQ(bools(lt(i, 2.5)), (V{1, 0}));
  EXPECT_EQ(bools(eq(i, tensor({2, 3.5}))), (V{1, 0}));
  // NaN is unequal to everything, itself included.
  const Tensor n = f64({kNaN, 1});
  EXPECT_EQ(bools(eq(n, n)), (V{0, 1}));
  EXPECT_EQ(bools(ne(n, n)), (V{1, 0}));
  EXPECT_EQ(bools(lt(n, 5)), (V{0, 1}));
  EXPECT_EQ(bools(ge(n, 0)), (V{0, 1}));
  EXPECT_THROW(eq(a, f64({1, 2})), Error);
}

TEST(Elementwise, ComparisonsAreNotDifferentiable) {
  Tensor x = param({1, 2}, {2});
  EXPECT_FALSE(gt(x, 1.5).requires_grad());
  EXPECT_FALSE(eq(x, x).requires_grad());
  EXPECT_THROW(gt(x, 1.5).requires_grad_(), Error);
}

TEST(Elementwise, LogicalOps) {
  using V = std::vector<int64_t>;
  const Tensor a = tensor({1, 0, 2, 0}), b = from_vector(std::vector<int64_t>{3, 3, 0, 0}, {4});
  EXPECT_EQ(logical_not(a).dtype(), kBool);
  EXPECT_EQ(logical_not(a).to_vector<int64_t>(), (V{0, 1, 0, 1}));
  EXPECT_EQ(logical_and(a, b).to_vector<int64_t>(), (V{1, 0, 0, 0}));
  EXPECT_EQ(logical_or(a, b).to_vector<int64_t>(), (V{1, 1, 1, 0}));
  const Tensor m = gt(f64({1, 2, 3}), 1.5);
  EXPECT_EQ(logical_not(m).to_vector<int64_t>(), (V{1, 0, 0}));
  EXPECT_EQ(logical_and(m, m.view({3, 1})).shape(), Shape({3, 3}));
  // NaN is truthy (non-zero), as in PyTorch.
  EXPECT_EQ(logical_not(f64({kNaN})).to_vector<int64_t>(), (V{0}));
}

TEST(Elementwise, WhereValuesAndBroadcasting) {
  const Tensor cond = gt(f64({1, -1, 2}, {3, 1}), 0.0);  // [3, 1]
  const Tensor a = f64({10, 20, 30, 40}, {1, 4}), b = f64({-1});
  const Tensor y = where(cond, a, b);
  EXPECT_EQ(y.shape(), Shape({3, 4}));
  expect_values(y, {10, 20, 30, 40, -1, -1, -1, -1, 10, 20, 30, 40});
  expect_values(where(cond.view({3}), f64({1, 2, 3}), 7.5), {1, 7.5, 3});
  // Promotion: float32 with float64 gives float64; an int64 tensor with a fraction gives float32.
  EXPECT_EQ(where(cond.view({3}), tensor({1, 2, 3}), f64({0})).dtype(), kFloat64);
  const Tensor iw = where(cond.view({3}), from_vector(std::vector<int64_t>{1, 2, 3}, {3}), 2.5);
  EXPECT_EQ(iw.dtype(), kFloat32);
  expect_values(iw, {1, 2.5, 3});
  EXPECT_THROW(where(f64({1, 0, 1}), a, b), Error);  // condition must be bool
  EXPECT_THROW(where(cond.view({3}), f64({1, 2}), b), Error);
}

TEST(Elementwise, WhereGradcheck) {
  const Tensor cond = gt(f64({1, -1, 2}, {3, 1}), 0.0);
  const auto f = [&](const std::vector<Tensor>& in) { return where(cond, in[0], in[1]); };
  EXPECT_GRADCHECK(f, {rand_param({1, 4}), rand_param({3, 4}, -1, 1, 3)});
  EXPECT_GRADCHECK(f, {rand_param({3, 1}), rand_param({}, -1, 1, 3)});
  EXPECT_GRADGRADCHECK(f, {rand_param({1, 4}), rand_param({3, 4}, -1, 1, 3)});
  Tensor a = param({1, 2, 3}, {3});
  where(cond.view({3}), a, 0.0).sum().backward();
  expect_values(a.grad(), {1, 0, 1});
}

TEST(Elementwise, AllcloseAndEqual) {
  const Tensor a = f64({1, 2, 3});
  EXPECT_TRUE(allclose(a, f64({1, 2, 3 + 1e-9})));
  EXPECT_FALSE(allclose(a, f64({1, 2, 3.01})));
  EXPECT_TRUE(allclose(a, f64({1, 2, 3.01}), 1e-2));
  EXPECT_TRUE(allclose(f64({0}), f64({1e-9})));
  EXPECT_FALSE(allclose(f64({0}), f64({1e-7})));
  EXPECT_TRUE(allclose(a, f64({2}), 1.0));  // broadcasts
  EXPECT_FALSE(allclose(f64({kNaN}), f64({kNaN})));
  EXPECT_TRUE(allclose(f64({kInf, -kInf}), f64({kInf, -kInf})));
  EXPECT_FALSE(allclose(f64({kInf}), f64({-kInf})));
  EXPECT_FALSE(allclose(f64({1}), f64({kInf}), 1.0));  // inf - 1 <= rtol * inf must not pass
  EXPECT_TRUE(equal(a, f64({1, 2, 3})));
  EXPECT_FALSE(equal(a, f64({1, 2, 4})));
  EXPECT_FALSE(equal(a, f64({1, 2, 3}, {3, 1})));
  EXPECT_FALSE(equal(f64({kNaN}), f64({kNaN})));
}

// ---- NaN and infinity -------------------------------------------------------------

TEST(Elementwise, NaNPropagates) {
  // Inputs long enough to take the vectorised loops, with NaN at a few positions.
  for (DType dt : {kFloat32, kFloat64}) {
    SCOPED_TRACE(dtype_name(dt));
    std::vector<double> v(1000, 0.5);
    for (size_t k : {0, 7, 8, 500, 999}) v[k] = kNaN;
    const Tensor x = f64(v).to(dt), one = ones({1000}, {.dtype = dt});
    const std::vector<std::pair<const char*, Tensor>> results = {
        {"relu", relu(x)},
        {"maximum(x, 1)", maximum(x, one)},
        {"maximum(1, x)", maximum(one, x)},
        {"minimum(x, 1)", minimum(x, one)},
        {"minimum(1, x)", minimum(one, x)},
        {"clamp", clamp(x, 0, 0.25)},
        {"clamp_min", clamp_min(x, 1)},
        {"sigmoid", sigmoid(x)},
        {"tanh", tanh(x)},
        {"exp", exp(x)},
        {"leaky_relu", leaky_relu(x)},
        {"elu", elu(x)},
        {"gelu", gelu(x)},
        {"softplus", softplus(x)},
    };
    for (const auto& [name, y] : results) {
      const std::vector<double> out = y.to_vector<double>();
      for (size_t k = 0; k < v.size(); ++k)
        EXPECT_EQ(std::isnan(out[k]), std::isnan(v[k])) << name << " at " << k << ": " << out[k];
    }
  }
}

TEST(Elementwise, InfinitiesSaturate) {
  for (DType dt : {kFloat32, kFloat64}) {
    SCOPED_TRACE(dtype_name(dt));
    const Tensor x = f64({-kInf, kInf, -1000, 1000}).to(dt);
    expect_values(exp(x), {0, kInf, 0, kInf});
    expect_values(sigmoid(x), {0, 1, 0, 1});
    expect_values(tanh(x), {-1, 1, -1, 1});
    expect_values(relu(x), {0, kInf, 0, 1000});
  }
}

// ---- float32 accuracy of the vectorised exp / sigmoid / tanh ----------------------------

struct Accuracy {
  double max_rel = 0, at = 0;  // over results in float32's normal range
  double max_abs_tiny = 0;     // over results below FLT_MIN (flushed or subnormal)
};

template <class Ref>
Accuracy measure(const Tensor& x32, const Tensor& y32, Ref ref) {
  const std::vector<float> x = x32.to_vector<float>(), y = y32.to_vector<float>();
  Accuracy acc;
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = ref(static_cast<double>(x[i]));
    const double err = std::abs(static_cast<double>(y[i]) - r);
    if (std::abs(r) > FLT_MAX) {
      EXPECT_TRUE(std::isinf(y[i]) && (y[i] > 0) == (r > 0)) << "at " << x[i] << ": " << y[i];
    } else if (std::abs(r) >= FLT_MIN) {
      if (err / std::abs(r) > acc.max_rel) acc = {err / std::abs(r), x[i], acc.max_abs_tiny};
    } else {
      acc.max_abs_tiny = std::max(acc.max_abs_tiny, err);
    }
  }
  return acc;
}

TEST(Elementwise, Float32TranscendentalsAreAccurate) {
  // Dense sweep of [-100, 100] (step ~5e-5), against double-precision libm. Measured
  // maxima: exp 8.4e-8 (1 ulp of the rounded result), sigmoid 1.44e-7, tanh 1.27e-7;
  // std::expf and std::tanhf themselves reach 6e-8 and 1.6e-7 on the same grid.
  const Tensor x = linspace(-100, 100, 4'000'001);
  const Accuracy e = measure(x, exp(x), [](double v) { return std::exp(v); });
  const Accuracy s = measure(x, sigmoid(x), sigmoid_ref);
  const Accuracy t = measure(x, tanh(x), [](double v) { return std::tanh(v); });
  EXPECT_LT(e.max_rel, 1.0e-7) << "exp worst at " << e.at;
  EXPECT_LT(s.max_rel, 1.6e-7) << "sigmoid worst at " << s.at;
  EXPECT_LT(t.max_rel, 1.4e-7) << "tanh worst at " << t.at;
  // Below FLT_MIN results may flush to zero, never more.
  EXPECT_LE(e.max_abs_tiny, FLT_MIN);
  EXPECT_LE(s.max_abs_tiny, FLT_MIN);
  EXPECT_EQ(t.max_abs_tiny, 0);
  // Exactness where it matters: exp(0) = 1, sigmoid(0) = 0.5, tanh odd and tanh(0) = 0.
  const Tensor special = tensor({0, -0.3f, 0.3f, -5, 5});
  EXPECT_EQ(exp(special).to_vector<float>()[0], 1.0f);
  EXPECT_EQ(sigmoid(special).to_vector<float>()[0], 0.5f);
  const std::vector<float> th = tanh(special).to_vector<float>();
  EXPECT_EQ(th[0], 0.0f);
  EXPECT_EQ(th[1], -th[2]);
  EXPECT_EQ(th[3], -th[4]);
}

TEST(Elementwise, Float32SigmoidTanhMonotone) {
  // Piecewise approximations must not step backwards at their seams (tanh at 0.625).
  const Tensor x = linspace(-20, 20, 400'001);
  for (const Tensor& y : {sigmoid(x), tanh(x), exp(linspace(-80, 80, 400'001))}) {
    const std::vector<float> v = y.to_vector<float>();
    for (size_t i = 1; i < v.size(); ++i) ASSERT_LE(v[i - 1], v[i]) << "at index " << i;
  }
}

}  // namespace
