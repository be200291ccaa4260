// The reductions of nabla/tensor/reduce.h beyond sum and mean: prod, var, std, norm,
// logsumexp, max/min/amax/amin/argmax/argmin, softmax and log_softmax. Values are checked
// against PyTorch 1.13 (literals below were printed by torch in float64), then shapes,
// errors, NaN / tie / zero conventions, the fast and parallel paths against a plain
// reference, and first and second derivatives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

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
constexpr double kTol = 1e-12;

// x = torch.tensor([[1., -2, 3], [4, 0.5, -6]], dtype=torch.float64)
Tensor sample() { return f64({1, -2, 3, 4, 0.5, -6}, {2, 3}); }

using Fn = std::function<Tensor(const Tensor&)>;

// gradcheck of f on x, and of f on the transpose of a contiguous copy (a
// non-contiguous input with the same values).
void check_grad(const Fn& f, const Shape& shape, uint64_t seed = 7, double lo = -1, double hi = 1) {
  const Tensor x = rand_param(shape, lo, hi, seed);
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0]); }, {x});
  if (shape.size() >= 2) {
    Shape ts = shape;
    std::swap(ts[0], ts[ts.size() - 1]);
    const Tensor xt = rand_param(ts, lo, hi, seed + 1);
    EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0].transpose(0, -1)); }, {xt});
  }
}

void check_gradgrad(const Fn& f, const Shape& shape, uint64_t seed = 7) {
  const Tensor x = rand_param(shape, -1, 1, seed);
  EXPECT_GRADGRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0]); }, {x});
}

// d(sum(f(x) * w))/dx once through the fused backward and once through the recorded
// (create_graph) one; the two must agree.
void expect_backward_paths_agree(const Fn& f, const Tensor& x) {
  const Tensor y = f(x);
  const Tensor w = rand_param(y.shape(), -1, 1, 99).detach();
  const Tensor plain = autograd::grad({f(x)}, {x}, {w})[0];
  const Tensor recorded = autograd::grad({f(x)}, {x}, {w}, false, true)[0];
  EXPECT_TRUE(allclose(plain, recorded, 1e-10, 1e-12)) << plain << recorded;
}

}  // namespace

// ---- values ------------------------------------------------------------------------

TEST(Reduce, ProdValues) {
  const Tensor x = sample();
  expect_values(prod(x), {72.0});
  EXPECT_EQ(prod(x).dim(), 0);
  expect_values(prod(x, 1), {-6.0, -12.0});
  const Tensor p0 = prod(x, 0, true);
  EXPECT_EQ(p0.shape(), Shape({1, 3}));
  expect_values(p0, {4.0, -1.0, -18.0});
  expect_values(prod(x, -2), {4.0, -1.0, -18.0});
  // Integers stay integral; bools multiply as int64 (torch.prod(tensor([True, False])) -> 0).
  const Tensor i = prod(tensor({2, 3, 7}, {.dtype = kInt64}));
  EXPECT_EQ(i.dtype(), kInt64);
  EXPECT_EQ(i.item<int64_t>(), 42);
  const Tensor b = prod(tensor({1, 0}, {.dtype = kBool}));
  EXPECT_EQ(b.dtype(), kInt64);
  EXPECT_EQ(b.item<int64_t>(), 0);
}

TEST(Reduce, VarStdValues) {
  const Tensor x = sample();
  expect_values(var(x), {13.241666666666665}, kTol);
  expect_values(var(x, {1}), {6.333333333333333, 25.75}, kTol);
  const Tensor v0 = var(x, {0}, false, true);
  EXPECT_EQ(v0.shape(), Shape({1, 3}));
  expect_values(v0, {2.25, 1.5625, 20.25}, kTol);
  expect_values(nabla::std(x), {3.6389100932376257}, kTol);
  expect_values(nabla::std(x, {-1}, false), {2.0548046676563256, 4.143267631552018}, kTol);
  // Over several dims, keeping them: torch.ones(2,3,4).var((0,2), keepdim=True).shape == [1, 3, 1].
  const Tensor x3 = rand_param({2, 3, 4}).detach();
  const Tensor v02 = var(x3, {0, -1}, true, true);
  EXPECT_EQ(v02.shape(), Shape({1, 3, 1}));
  // ... and equal to the variance of the gathered lanes.
  const Tensor lanes = x3.permute({1, 0, 2}).reshape({3, 8});
  EXPECT_TRUE(allclose(v02.reshape({3}), var(lanes, {1}), 1e-12, 1e-14));
}

TEST(Reduce, VarOfTooFewElementsIsNaN) {
  // torch.tensor([1.]).var() -> nan; biased -> 0; torch.empty(0).var() -> nan.
  expect_values(var(f64({1})), {kNaN});
  expect_values(var(f64({1}), false), {0.0});
  expect_values(nabla::std(f64({1})), {kNaN});
  expect_values(var(f64({}, {0})), {kNaN});
  expect_values(var(scalar_tensor(5, {.dtype = kFloat64})), {kNaN});
}

TEST(Reduce, NormValues) {
  const Tensor x = sample();
  expect_values(norm(x), {8.139410298049853}, kTol);
  expect_values(norm(x, 1, {1}), {6.0, 10.5}, kTol);
  expect_values(norm(x, kInf, {0}), {4.0, 2.0, 6.0}, kTol);
  expect_values(norm(x, 3, {1}), {3.3019272488946263, 6.5431060071822555}, kTol);
  expect_values(norm(x, 0), {6.0});
  expect_values(norm(x, -kInf), {0.5});
  expect_values(norm(x, 0.5), {86.54322081147158}, kTol);
  expect_values(norm(x, -1, {0}), {0.8, 0.4, 2.0}, kTol);
  EXPECT_EQ(norm(x, 2, {-1}, true).shape(), Shape({2, 1}));
  // The norm of nothing is 0 for every p (torch.norm(torch.empty(0), p)).
  for (double p : {0.0, 1.0, 2.0, 3.0, kInf, -kInf}) expect_values(norm(f64({}, {0}), p), {0.0});
}

TEST(Reduce, LogsumexpValues) {
  const Tensor x = sample();
  expect_values(logsumexp(x, {1}), {3.1328452337275756, 4.029794486458149}, kTol);
  expect_values(logsumexp(x, {0, 1}), {4.371831137917677}, kTol);
  const Tensor l0 = logsumexp(x, {-2}, true);
  EXPECT_EQ(l0.shape(), Shape({1, 3}));
  expect_values(l0, {4.048587351573742, 0.5788897342925495, 3.000123402189723}, kTol);
  // Large values do not overflow; float32 agrees with torch's float32 result.
  expect_values(logsumexp(f64({1000, 1001, 999}), {0}), {1001.4076059644444}, kTol);
  expect_values(logsumexp(tensor({1000, 1001, 999}), {0}), {1001.4075927734375}, 1e-7);
  // Integers are promoted to float32: torch.tensor([1,2,3]).logsumexp(0) = 3.4076058864593506.
  const Tensor li = logsumexp(tensor({1, 2, 3}, {.dtype = kInt64}), {0});
  EXPECT_EQ(li.dtype(), kFloat32);
  expect_values(li, {3.4076058864593506}, 1e-7);
  // Infinite maxima: torch gives inf for [inf, 1], -inf for [-inf, -inf] and for no elements.
  expect_values(logsumexp(f64({kInf, 1}), {0}), {kInf});
  expect_values(logsumexp(f64({-kInf, -kInf}), {0}), {-kInf});
  expect_values(logsumexp(f64({}, {0}), {0}), {-kInf});
}

TEST(Reduce, ExtremaValues) {
  const Tensor x = sample();
  expect_values(max(x), {4.0});
  expect_values(min(x), {-6.0});
  EXPECT_EQ(max(x).dim(), 0);
  auto [mv, mi] = max(x, 1);
  expect_values(mv, {3.0, 4.0});
  EXPECT_EQ(mi.dtype(), kInt64);
  expect_values(mi, {2, 0});
  auto [nv, ni] = min(x, 0);
  expect_values(nv, {1.0, -2.0, -6.0});
  expect_values(ni, {0, 0, 1});
  expect_values(amax(x, {0}), {4.0, 0.5, 3.0});
  expect_values(amin(x, {1}), {-2.0, -6.0});
  expect_values(amax(x, {}), {4.0});  // no dims: all of them, like x.amax(())
  expect_values(argmax(x), {3});
  expect_values(argmin(x), {5});
  expect_values(argmax(x, 1), {2, 0});
  const Tensor a0 = argmin(x, 0, true);
  EXPECT_EQ(a0.shape(), Shape({1, 3}));
  expect_values(a0, {0, 0, 1});
  // Integer and bool tensors keep their dtype.
  const Tensor xi = tensor({3, -7, 5}, {.dtype = kInt64});
  EXPECT_EQ(max(xi).item<int64_t>(), 5);
  EXPECT_EQ(min(xi, 0).second.item<int64_t>(), 1);
  EXPECT_EQ(argmax(xi).item<int64_t>(), 2);
  const Tensor xb = tensor({0, 1, 1}, {.dtype = kBool});
  EXPECT_EQ(max(xb).dtype(), kBool);
  EXPECT_TRUE(max(xb).item<bool>());
  EXPECT_EQ(max(xb, 0).second.item<int64_t>(), 1);
}

TEST(Reduce, ExtremaTiesAndNaN) {
  // Ties: the first occurrence, as torch ([1, 3, 3, 1].max(0) -> index 1; .min(0) -> 0).
  const Tensor t = f64({1, 3, 3, 1});
  EXPECT_EQ(max(t, 0).second.item<int64_t>(), 1);
  EXPECT_EQ(min(t, 0).second.item<int64_t>(), 0);
  EXPECT_EQ(argmin(t).item<int64_t>(), 0);
  // NaN propagates and its first index is reported ([1, nan, 3, nan] -> nan at 1).
  const Tensor n = f64({1, kNaN, 3, kNaN});
  for (bool is_max : {true, false}) {
    auto [v, i] = is_max ? max(n, 0) : min(n, 0);
    expect_values(v, {kNaN});
    EXPECT_EQ(i.item<int64_t>(), 1);
    expect_values(is_max ? max(n) : min(n), {kNaN});
    expect_values(is_max ? amax(n, {0}) : amin(n, {0}), {kNaN});
    EXPECT_EQ((is_max ? argmax(n) : argmin(n)).item<int64_t>(), 1);
  }
  // The same along a non-last dim (lanes searched side by side): columns [1, 3, 3] and
  // [nan, 2, nan]; torch: max(0) -> values [3, nan], indices [1, 0]; argmin(0) -> [0, 0].
  const Tensor c = f64({1, kNaN, 3, 2, 3, kNaN}, {3, 2});
  auto [cv, ci] = max(c, 0);
  expect_values(cv, {3, kNaN});
  expect_values(ci, {1, 0});
  expect_values(argmin(c, 0), {0, 0});
  // -inf and the integer extremes are values like any other.
  expect_values(max(f64({-kInf, -kInf})), {-kInf});
  EXPECT_EQ(argmax(f64({-kInf, -kInf})).item<int64_t>(), 0);
  const int64_t lowest = std::numeric_limits<int64_t>::lowest();
  EXPECT_EQ(max(from_vector(std::vector<int64_t>{lowest, lowest}, {2})).item<int64_t>(), lowest);
}

TEST(Reduce, ZeroDimInputs) {
  const Tensor s = scalar_tensor(5, {.dtype = kFloat64});
  auto [v, i] = max(s, 0);
  EXPECT_EQ(v.dim(), 0);
  EXPECT_EQ(i.item<int64_t>(), 0);
  EXPECT_EQ(max(s, -1, true).first.dim(), 0);
  EXPECT_EQ(argmax(s, 0).item<int64_t>(), 0);
  expect_values(prod(s, 0), {5});
  expect_values(softmax(s, 0), {1});
  expect_values(log_softmax(s, -1), {0});
  expect_values(logsumexp(s, {0}), {5});
  expect_values(norm(s, 2, {0}), {5});
}

TEST(Reduce, SoftmaxValues) {
  const Tensor x = sample();
  expect_values(softmax(x, 1),
                {0.11849965453500959, 0.005899750401902781, 0.8756005950630876, 0.9706449937424646,
                 0.029310939042995147, 4.4067214540215444e-05},
                kTol);
  expect_values(softmax(x, -2),
                {0.04742587317756679, 0.07585818002124356, 0.9998766054240137, 0.9525741268224334,
                 0.9241418199787566, 0.00012339457598623172},
                kTol);
  expect_values(log_softmax(x, -1),
                {-2.1328452337275756, -5.132845233727576, -0.13284523372757556, -0.0297944864581491,
                 -3.529794486458149, -10.02979448645815},
                kTol);
  expect_values(log_softmax(x, 0),
                {-3.048587351573742, -2.5788897342925496, -0.00012340218972333965, -0.048587351573741965,
                 -0.07888973429254957, -9.000123402189724},
                kTol);
  // Shifted by the max: no overflow at 1000.
  expect_values(softmax(f64({1000, 1001, 999}), 0),
                {0.2447284710547976, 0.6652409557748218, 0.09003057317038045}, kTol);
  expect_values(log_softmax(f64({1000, 1001, 999}), 0),
                {-1.4076059644443804, -0.4076059644443804, -2.4076059644443806}, kTol);
  // As torch: all -inf, or an inf, give NaN.
  expect_values(softmax(f64({-kInf, -kInf}), 0), {kNaN, kNaN});
  expect_values(log_softmax(f64({-kInf, -kInf}), 0), {kNaN, kNaN});
  expect_values(softmax(f64({kInf, 1}), 0), {kNaN, kNaN});
  // A transposed input gives the softmax of its values.
  EXPECT_TRUE(allclose(softmax(x.t(), 0), softmax(x, 1).t(), 1e-12, 1e-14));
}

// ---- empty inputs and errors ---------------------------------------------------------

TEST(Reduce, EmptyInputs) {
  const Tensor e = f64({}, {0});
  expect_values(sum(e), {0.0});
  expect_values(prod(e), {1.0});
  // Reducing a non-empty dim of an empty tensor is fine (torch.empty(0, 3).max(1)).
  const Tensor e03 = zeros({0, 3}, {.dtype = kFloat64});
  auto [v, i] = max(e03, 1);
  EXPECT_EQ(v.shape(), Shape({0}));
  EXPECT_EQ(i.shape(), Shape({0}));
  EXPECT_EQ(amax(e03, {1}).shape(), Shape({0}));
  EXPECT_EQ(softmax(e03, 1).shape(), Shape({0, 3}));
  EXPECT_EQ(softmax(e03, 0).shape(), Shape({0, 3}));
}

TEST(Reduce, EmptyExtremaThrow) {
  const Tensor e = f64({}, {0});
  const Tensor e30 = zeros({3, 0}, {.dtype = kFloat64});
  EXPECT_THROW(max(e), Error);
  EXPECT_THROW(min(e), Error);
  EXPECT_THROW(argmax(e), Error);
  EXPECT_THROW(argmin(e), Error);
  EXPECT_THROW(max(e30, 1), Error);
  EXPECT_THROW(argmax(e30, 1), Error);
  EXPECT_THROW(amax(e30, {1}), Error);
  EXPECT_THROW(amin(zeros({0, 3}), {0}), Error);
  try {
    max(e30, 1);
    FAIL() << "expected an error";
  } catch (const Error& err) {
    const std::string msg = err.what();
    EXPECT_NE(msg.find("max"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[3, 0]"), std::string::npos) << msg;
  }
}

TEST(Reduce, BadDimsThrow) {
  const Tensor x = sample();
  EXPECT_THROW(prod(x, 2), Error);
  EXPECT_THROW(var(x, {-3}), Error);
  EXPECT_THROW(var(x, {0, 0}), Error);
  EXPECT_THROW(nabla::std(x, {1, -1}), Error);
  EXPECT_THROW(norm(x, 2, {5}), Error);
  EXPECT_THROW(logsumexp(x, {2}), Error);
  EXPECT_THROW(max(x, 2), Error);
  EXPECT_THROW(min(x, -3), Error);
  EXPECT_THROW(amax(x, {1, 1}), Error);
  EXPECT_THROW(argmax(x, 2), Error);
  EXPECT_THROW(softmax(x, 2), Error);
  EXPECT_THROW(log_softmax(x, -3), Error);
  try {
    softmax(x, 2);
    FAIL() << "expected an error";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("softmax"), std::string::npos) << err.what();
  }
}

TEST(Reduce, BadDtypesThrow) {
  const Tensor i = tensor({1, 2}, {.dtype = kInt64});
  EXPECT_THROW(var(i), Error);
  EXPECT_THROW(nabla::std(i), Error);
  EXPECT_THROW(norm(i), Error);
  EXPECT_THROW(softmax(i, 0), Error);
  EXPECT_THROW(log_softmax(i, 0), Error);
  EXPECT_THROW(argmax(tensor({0, 1}, {.dtype = kBool})), Error);
  EXPECT_THROW(norm(sample(), kNaN), Error);
}

// ---- fast and parallel paths against a plain reference ---------------------------------

TEST(Reduce, LargeRowsMatchReference) {
  // Long rows (parallel pieces of one lane, 16-way accumulators) in float32.
  const int64_t n = 200003;
  Generator gen(3);
  std::vector<float> v(n);
  for (float& e : v) e = static_cast<float>(gen.normal() * 3);
  v[123457] = 50;  // the max, twice; the first must be reported
  v[190000] = 50;
  v[7] = -40;
  const Tensor x = from_vector(v, {n});
  EXPECT_EQ(max(x).item<float>(), 50.0f);
  EXPECT_EQ(argmax(x).item<int64_t>(), 123457);
  EXPECT_EQ(argmin(x).item<int64_t>(), 7);
  EXPECT_EQ(max(x, 0).second.item<int64_t>(), 123457);
  double s = 0, s2 = 0, lse = 0;
  for (float e : v) s += e;
  const double mu = s / n;
  for (float e : v) {
    s2 += (e - mu) * (e - mu);
    lse += std::exp(e - 50.0);
  }
  EXPECT_NEAR(var(x).item<double>(), s2 / (n - 1), 1e-5 * s2 / n);
  EXPECT_NEAR(logsumexp(x, {0}).item<double>(), 50 + std::log(lse), 1e-5);
  // A NaN anywhere wins, and its first position is reported.
  std::vector<float> w = v;
  w[150001] = w[160000] = std::numeric_limits<float>::quiet_NaN();
  const Tensor xn = from_vector(w, {n});
  EXPECT_TRUE(std::isnan(max(xn).item<float>()));
  EXPECT_TRUE(std::isnan(amin(xn, {0}).item<float>()));
  EXPECT_EQ(argmax(xn).item<int64_t>(), 150001);
  EXPECT_EQ(argmin(xn).item<int64_t>(), 150001);
  const Tensor sm = softmax(x, 0);
  EXPECT_NEAR(sm.sum().item<double>(), 1.0, 1e-5);
  EXPECT_NEAR(sm.to_vector<float>()[123457], 1 / lse, 1e-5 / lse);
}

TEST(Reduce, InnerDimsMatchTransposedRows) {
  // Reducing a middle dim with more than one block of lanes (post = 130 > 64) must match
  // reducing the same values laid out as rows.
  const Tensor x = rand_param({3, 17, 130}, -3, 3, 11).detach().to(kFloat32);
  const Tensor rows = x.transpose(1, 2).contiguous();  // [3, 130, 17]
  auto same = [](const Tensor& a, const Tensor& b) { EXPECT_TRUE(allclose(a, b, 1e-5, 1e-6)) << a << b; };
  same(softmax(x, 1), softmax(rows, 2).transpose(1, 2));
  same(log_softmax(x, 1), log_softmax(rows, 2).transpose(1, 2));
  same(logsumexp(x, {1}), logsumexp(rows, {2}));
  same(var(x, {1}), var(rows, {2}));
  same(norm(x, 3, {1}), norm(rows, 3, {2}));
  same(prod(x, 1), prod(rows, 2));
  same(amin(x, {1}), amin(rows, {2}));
  EXPECT_TRUE(equal(argmax(x, 1), argmax(rows, 2)));
  EXPECT_TRUE(equal(max(x, 1).second, max(rows, 2).second));
  // Dims {0, 2} are not adjacent: the input is rearranged first.
  same(var(x, {0, 2}), var(x.permute({1, 0, 2}).reshape({17, 390}), {1}));
  same(amax(x, {0, 2}), amax(x.permute({1, 0, 2}).reshape({17, 390}), {1}));
  // Many rows (parallel over lanes).
  const Tensor wide = rand_param({3000, 40}, -5, 5, 12).detach().to(kFloat32);
  same(softmax(wide, 1), exp(log_softmax(wide, 1)));
  same(softmax(wide, 0), softmax(wide.t().contiguous(), 1).t());
}

// ---- derivatives ------------------------------------------------------------------------

TEST(ReduceGrad, Prod) {
  check_grad([](const Tensor& x) { return prod(x); }, {2, 3});
  check_grad([](const Tensor& x) { return prod(x, 0); }, {3, 4});
  check_grad([](const Tensor& x) { return prod(x, 1, true); }, {3, 4});
  check_grad([](const Tensor& x) { return prod(x, -2); }, {2, 3, 2});
  check_gradgrad([](const Tensor& x) { return prod(x, 1); }, {2, 3});
}

TEST(ReduceGrad, ProdWithZeros) {
  // torch: grad of prod([2, 0, 3]) = [0, 6, 0]; of prod([2, 0, 0]) = 0.
  for (auto [values, expected] : std::vector<std::pair<std::vector<double>, std::vector<double>>>{
           {{2, 0, 3}, {0, 6, 0}}, {{2, 0, 0}, {0, 0, 0}}, {{2, 5, 3}, {15, 6, 10}}}) {
    const Tensor x = param(values, {3});
    prod(x).backward();
    expect_values(x.grad(), expected);
  }
  const Tensor z = param({1.5, 0, -2, 0.5, 3, 0}, {2, 3});
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return prod(in[0], 1); }, {z});
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return prod(in[0], 0); }, {z});
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return prod(in[0]); }, {z});
  EXPECT_GRADGRADCHECK([](const std::vector<Tensor>& in) { return prod(in[0], 1); }, {z});
  expect_backward_paths_agree([](const Tensor& x) { return prod(x, 0); }, z);
}

TEST(ReduceGrad, VarStd) {
  for (bool unbiased : {true, false}) {
    check_grad([=](const Tensor& x) { return var(x, unbiased); }, {2, 3});
    check_grad([=](const Tensor& x) { return var(x, {0}, unbiased); }, {3, 4});
    check_grad([=](const Tensor& x) { return var(x, {0, 2}, unbiased, true); }, {2, 3, 2});
    check_grad([=](const Tensor& x) { return nabla::std(x, {-1}, unbiased); }, {3, 4});
    check_grad([=](const Tensor& x) { return nabla::std(x, {0, 1}, unbiased); }, {2, 3, 2});
  }
  check_gradgrad([](const Tensor& x) { return var(x, {1}); }, {2, 4});
  check_gradgrad([](const Tensor& x) { return var(x, {0, 2}, false); }, {2, 3, 2});
  check_gradgrad([](const Tensor& x) { return nabla::std(x, {0}); }, {3, 2});
  const Tensor x = rand_param({3, 4, 2});
  expect_backward_paths_agree([](const Tensor& t) { return var(t, {1}); }, x);
  expect_backward_paths_agree([](const Tensor& t) { return nabla::std(t, {0, 2}, false); }, x);
}

TEST(ReduceGrad, VarStdConventions) {
  // torch: std of a constant has gradient 0 (not NaN); var of one element gives NaN.
  const Tensor c = param({2, 2}, {2});
  nabla::std(c).backward();
  expect_values(c.grad(), {0, 0});
  const Tensor one = param({1}, {1});
  var(one, {0}).backward();
  expect_values(one.grad(), {kNaN});
}

TEST(ReduceGrad, Norm) {
  for (double p : {1.0, 2.0, 3.0, 1.5, 0.5, -1.0, kInf, -kInf}) {
    SCOPED_TRACE(p);
    check_grad([=](const Tensor& x) { return norm(x, p); }, {2, 3});
    check_grad([=](const Tensor& x) { return norm(x, p, {0}); }, {3, 4});
    check_grad([=](const Tensor& x) { return norm(x, p, {0, 2}, true); }, {2, 3, 2});
  }
  check_gradgrad([](const Tensor& x) { return norm(x, 2, {1}); }, {2, 3});
  check_gradgrad([](const Tensor& x) { return norm(x, 3); }, {2, 3});
  // p = 0 counts; its gradient is 0.
  const Tensor x = param({1, -2, 0}, {3});
  norm(x, 0).backward();
  expect_values(x.grad(), {0, 0, 0});
}

TEST(ReduceGrad, NormConventions) {
  // Values from torch, x = [0, 2, -2]: the gradient is 0 at zeros and at a zero norm, and
  // the inf-norm shares it among ties.
  struct Case {
    double p;
    std::vector<double> x, grad;
  };
  for (const Case& c : std::vector<Case>{{0.5, {0, 2, -2}, {0, 2, -2}},
                                         {1, {0, 2, -2}, {0, 1, -1}},
                                         {1.5, {0, 2, -2}, {0, 0.7937005259840998, -0.7937005259840998}},
                                         {2, {0, 2, -2}, {0, 0.7071067811865476, -0.7071067811865476}},
                                         {3, {0, 2, -2}, {0, 0.6299605249474365, -0.6299605249474365}},
                                         {kInf, {0, 2, -2}, {0, 0.5, -0.5}},
                                         {-kInf, {1, -1, 2}, {0.5, -0.5, 0}},
                                         {0.5, {0, 0, 0}, {0, 0, 0}},
                                         {1.5, {0, 0, 0}, {0, 0, 0}},
                                         {2, {0, 0, 0}, {0, 0, 0}},
                                         {kInf, {0, 0, 0}, {0, 0, 0}}}) {
    SCOPED_TRACE(c.p);
    const Tensor x = param(c.x, {3});
    norm(x, c.p).backward();
    expect_values(x.grad(), c.grad, 1e-12);
  }
}

TEST(ReduceGrad, Logsumexp) {
  check_grad([](const Tensor& x) { return logsumexp(x, {1}); }, {2, 3});
  check_grad([](const Tensor& x) { return logsumexp(x, {0}, true); }, {3, 4});
  check_grad([](const Tensor& x) { return logsumexp(x, {0, 2}); }, {2, 3, 2});
  check_grad([](const Tensor& x) { return logsumexp(x, {}); }, {2, 3});
  check_gradgrad([](const Tensor& x) { return logsumexp(x, {1}); }, {2, 3});
  check_gradgrad([](const Tensor& x) { return logsumexp(x, {0, 2}); }, {2, 3, 2});
  expect_backward_paths_agree([](const Tensor& t) { return logsumexp(t, {0}); }, rand_param({3, 4}));
}

TEST(ReduceGrad, Softmax) {
  for (bool log : {false, true}) {
    SCOPED_TRACE(log);
    auto f = [log](int64_t dim) {
      return [log, dim](const Tensor& x) { return log ? log_softmax(x, dim) : softmax(x, dim); };
    };
    check_grad(f(1), {2, 3});
    check_grad(f(0), {3, 4});
    check_grad(f(-2), {2, 3, 2});
    check_gradgrad(f(1), {2, 3});
    check_gradgrad(f(0), {3, 2});
    // Fused rows, fused columns (post > 64 lanes per block) and the recorded form agree.
    expect_backward_paths_agree(f(1), rand_param({4, 37}));
    expect_backward_paths_agree(f(1), rand_param({2, 5, 70}));
    expect_backward_paths_agree(f(0), rand_param({3, 4}));
  }
}

TEST(ReduceGrad, SoftmaxThroughSumUsesExpandedGradient) {
  // log_softmax(x).sum() hands the backward an expanded (stride-0) gradient.
  const Tensor x = param({1, 2, 3, -1, 0, 4}, {2, 3});
  log_softmax(x, 1).sum().backward();
  // torch: 1 - 3 * softmax(x, 1)
  const Tensor expected = rsub(mul(softmax(x.detach(), 1), 3.0), 1.0);
  EXPECT_TRUE(allclose(x.grad(), expected, 1e-12, 1e-14));
}

TEST(ReduceGrad, Extrema) {
  // Distinct values, so every op is differentiable at x.
  check_grad([](const Tensor& x) { return max(x); }, {2, 3});
  check_grad([](const Tensor& x) { return min(x); }, {2, 3});
  check_grad([](const Tensor& x) { return max(x, 1).first; }, {3, 4});
  check_grad([](const Tensor& x) { return min(x, 0, true).first; }, {3, 4});
  check_grad([](const Tensor& x) { return max(x, -2).first; }, {2, 3, 2});
  check_grad([](const Tensor& x) { return amax(x, {0, 2}); }, {2, 3, 2});
  check_grad([](const Tensor& x) { return amin(x, {1}, true); }, {3, 4});
  check_gradgrad([](const Tensor& x) { return max(x, 1).first; }, {2, 3});
  check_gradgrad([](const Tensor& x) { return amax(x, {0}); }, {3, 2});
  expect_backward_paths_agree([](const Tensor& t) { return max(t, 1).first; }, rand_param({3, 70}));
  expect_backward_paths_agree([](const Tensor& t) { return min(t, 0).first; }, rand_param({5, 3, 2}));
}

TEST(ReduceGrad, ExtremaTiesAndNaN) {
  // Values from torch (float64).
  auto grad_of = [](const std::vector<double>& v, const Fn& f) {
    const Tensor x = param(v, {static_cast<int64_t>(v.size())});
    f(x).backward();
    return x.grad();
  };
  const std::vector<double> ties = {1, 3, 3, 2}, nans = {1, kNaN, 3, kNaN}, one_nan = {1, kNaN, 3, 2};
  // max() and min() share among ties and among NaNs.
  expect_values(grad_of(ties, [](const Tensor& x) { return max(x); }), {0, 0.5, 0.5, 0});
  expect_values(grad_of({1, 1, 3, 2}, [](const Tensor& x) { return min(x); }), {0.5, 0.5, 0, 0});
  expect_values(grad_of(nans, [](const Tensor& x) { return max(x); }), {0, 0.5, 0, 0.5});
  // amax shares among ties; with a NaN the whole lane gets NaN.
  expect_values(grad_of(ties, [](const Tensor& x) { return amax(x, {0}); }), {0, 0.5, 0.5, 0});
  expect_values(grad_of(one_nan, [](const Tensor& x) { return amax(x, {0}); }), {kNaN, kNaN, kNaN, kNaN});
  expect_values(grad_of(one_nan, [](const Tensor& x) { return amin(x, {0}); }), {kNaN, kNaN, kNaN, kNaN});
  // Along a dim the selected (first) element takes it all.
  expect_values(grad_of(ties, [](const Tensor& x) { return max(x, 0).first; }), {0, 1, 0, 0});
  expect_values(grad_of(nans, [](const Tensor& x) { return max(x, 0).first; }), {0, 1, 0, 0});
}
