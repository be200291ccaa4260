// Tensor factories (constant, range, identity and from-data) and random tensors:
// reproducibility, ranges and rough moments of each distribution, generator state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <string>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

using namespace nabla;
using nabla::testing::expect_values;

namespace {

// ---- constant and data factories -------------------------------------------------------

TEST(Factory, ZerosOnesFullEmpty) {
  const Tensor z = zeros({2, 3});
  EXPECT_EQ(z.shape(), Shape({2, 3}));
  EXPECT_EQ(z.dtype(), kFloat32);
  EXPECT_TRUE(z.is_contiguous());
  EXPECT_FALSE(z.requires_grad());
  expect_values(z, std::vector<double>(6, 0));
  expect_values(ones({4}, {.dtype = kFloat64}), {1, 1, 1, 1});
  EXPECT_EQ(ones({2}, {.dtype = kInt64}).to_vector<int64_t>(), (std::vector<int64_t>{1, 1}));
  expect_values(full({2, 2}, -2.5), {-2.5, -2.5, -2.5, -2.5});
  EXPECT_EQ(full({3}, 7, {.dtype = kInt64}).to_vector<int64_t>(), (std::vector<int64_t>{7, 7, 7}));
  EXPECT_EQ(full({2}, 1, {.dtype = kBool}).to_vector<int64_t>(), (std::vector<int64_t>{1, 1}));
  const Tensor s = scalar_tensor(4.5, {.dtype = kFloat64});
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item<double>(), 4.5);
  EXPECT_EQ(zeros({}).dim(), 0);
  EXPECT_EQ(zeros({3, 0, 2}).numel(), 0);
  const Tensor e = empty({5, 2}, {.dtype = kInt64});
  EXPECT_EQ(e.shape(), Shape({5, 2}));
  EXPECT_EQ(e.dtype(), kInt64);
  EXPECT_THROW(zeros({2, -1}), Error);
  EXPECT_THROW(empty({-3}), Error);
}

TEST(Factory, RequiresGradOption) {
  const Tensor p = full({2}, 1.5, {.dtype = kFloat64, .requires_grad = true});
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
  EXPECT_TRUE(zeros({1}, {.requires_grad = true}).requires_grad());
  EXPECT_TRUE(ones({1}, {.requires_grad = true}).requires_grad());
  EXPECT_TRUE(tensor({1, 2}, {.requires_grad = true}).requires_grad());
  EXPECT_TRUE(arange(3, {.requires_grad = true}).requires_grad());
  EXPECT_TRUE(rand({2}, {.requires_grad = true}).requires_grad());
  EXPECT_TRUE(randn({2}, {.requires_grad = true}).requires_grad());
  // Only floating tensors can require grad.
  EXPECT_THROW(zeros({1}, {.dtype = kInt64, .requires_grad = true}), Error);
  EXPECT_THROW(ones({1}, {.dtype = kBool, .requires_grad = true}), Error);
}

TEST(Factory, Like) {
  const Tensor x = full({2, 3}, 5, {.dtype = kFloat64, .requires_grad = true}).t();
  for (const Tensor& t :
       {zeros_like(x), ones_like(x), full_like(x, 2), empty_like(x), rand_like(x), randn_like(x)}) {
    EXPECT_EQ(t.shape(), Shape({3, 2}));
    EXPECT_EQ(t.dtype(), kFloat64);
    EXPECT_TRUE(t.is_contiguous());
    EXPECT_FALSE(t.requires_grad());  // like PyTorch's *_like without requires_grad=True
  }
  expect_values(zeros_like(x), std::vector<double>(6, 0));
  expect_values(ones_like(x), std::vector<double>(6, 1));
  expect_values(full_like(x, 2), std::vector<double>(6, 2));
  const Tensor i = full({2}, 3, {.dtype = kInt64});
  EXPECT_EQ(full_like(i, 9).to_vector<int64_t>(), (std::vector<int64_t>{9, 9}));
}

TEST(Factory, Arange) {
  const Tensor a = arange(5);
  EXPECT_EQ(a.dtype(), kFloat32);
  expect_values(a, {0, 1, 2, 3, 4});
  expect_values(arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75});
  expect_values(arange(5, 0, -1.5), {5, 3.5, 2, 0.5});
  expect_values(arange(1, 2.5, 0.5, {.dtype = kFloat64}), {1, 1.5, 2});
  EXPECT_EQ(arange(0, 1, 0.1, {.dtype = kFloat64}).numel(), 10);  // ceil((end - start) / step)
  EXPECT_EQ(arange(0, 0).numel(), 0);
  const Tensor i = arange(-2, 3, 1, {.dtype = kInt64});
  EXPECT_EQ(i.dtype(), kInt64);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{-2, -1, 0, 1, 2}));
  // Large int64 ranges are exact.
  const Tensor big = arange(4503599627370496.0, 4503599627370499.0, 1, {.dtype = kInt64});
  EXPECT_EQ(big.to_vector<int64_t>(),
            (std::vector<int64_t>{4503599627370496, 4503599627370497, 4503599627370498}));
  EXPECT_THROW(arange(0, 5, 0), Error);
  EXPECT_THROW(arange(0, 5, -1), Error);
  EXPECT_THROW(arange(5, 0, 1), Error);
  EXPECT_THROW(arange(0, INFINITY), Error);
  EXPECT_THROW(arange(NAN), Error);
}

TEST(Factory, Linspace) {
  const Tensor l = linspace(0, 1, 5);
  EXPECT_EQ(l.dtype(), kFloat32);
  expect_values(l, {0, 0.25, 0.5, 0.75, 1});
  const Tensor d = linspace(-1, 1, 4, {.dtype = kFloat64});
  expect_values(d, {-1, -1.0 / 3, 1.0 / 3, 1}, 1e-16);
  // Both ends are exact, even where start + (steps - 1) * step would round.
  const std::vector<float> f = linspace(0.1, 0.7, 7).to_vector<float>();
  EXPECT_EQ(f.front(), 0.1f);
  EXPECT_EQ(f.back(), 0.7f);
  expect_values(linspace(3, 3, 1), {3});
  expect_values(linspace(2, -2, 3), {2, 0, -2});
  EXPECT_EQ(linspace(0, 1, 0).numel(), 0);
  EXPECT_EQ(linspace(0, 10, 5, {.dtype = kInt64}).to_vector<int64_t>(),
            (std::vector<int64_t>{0, 2, 5, 7, 10}));
  EXPECT_THROW(linspace(0, 1, -1), Error);
}

TEST(Factory, Eye) {
  expect_values(eye(3), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  const Tensor r = eye(2, 4, {.dtype = kInt64});
  EXPECT_EQ(r.shape(), Shape({2, 4}));
  EXPECT_EQ(r.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 0, 0, 0, 1, 0, 0}));
  expect_values(eye(3, 2, {.dtype = kFloat64}), {1, 0, 0, 1, 0, 0});
  EXPECT_EQ(eye(0).shape(), Shape({0, 0}));
  EXPECT_THROW(eye(-1), Error);
}

TEST(Factory, FromData) {
  const Tensor v = tensor({1, 2.5, -3});
  EXPECT_EQ(v.dtype(), kFloat32);
  EXPECT_EQ(v.shape(), Shape({3}));
  expect_values(v, {1, 2.5, -3});
  const Tensor m = tensor({{1, 2, 3}, {4, 5, 6}}, {.dtype = kInt64});
  EXPECT_EQ(m.shape(), Shape({2, 3}));
  EXPECT_EQ(m.to_vector<int64_t>(), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(tensor({1, 0, 2}, {.dtype = kBool}).to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_THROW(tensor({{1, 2}, {3}}), Error);

  const Tensor f = from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2});
  EXPECT_EQ(f.dtype(), kFloat32);
  EXPECT_EQ(f.shape(), Shape({3, 2}));
  expect_values(f.select(0, 2), {5, 6});
  const Tensor d = from_vector(std::vector<double>{0.1, 0.2}, {2, 1});
  EXPECT_EQ(d.dtype(), kFloat64);
  EXPECT_EQ(d.to_vector<double>(), (std::vector<double>{0.1, 0.2}));  // bit-exact
  const Tensor i = from_vector(std::vector<int64_t>{INT64_MAX, INT64_MIN}, {2});
  EXPECT_EQ(i.dtype(), kInt64);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{INT64_MAX, INT64_MIN}));
  EXPECT_EQ(from_vector(std::vector<double>{7}, {}).dim(), 0);
  try {
    from_vector(std::vector<double>{1, 2, 3}, {2, 2});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 2]"), std::string::npos) << e.what();
  }
}

// ---- random -------------------------------------------------------------------------

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }
double std_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}

TEST(Random, EngineIsTheStandardMt19937_64) {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64, so the
  // stream is the same on every platform.
  Generator g;
  EXPECT_EQ(g.initial_seed(), 5489u);
  for (int i = 0; i < 9999; ++i) g.next_u64();
  EXPECT_EQ(g.next_u64(), 9981545732273789042ull);
}

TEST(Random, ManualSeedReproduces) {
  manual_seed(123);
  const Tensor a = rand({50}), b = randn({51}, {.dtype = kFloat64}), c = randint(0, 100, {20});
  const Tensor d = bernoulli({30}, 0.3), e = randperm(40);
  manual_seed(123);
  EXPECT_TRUE(equal(rand({50}), a));
  EXPECT_TRUE(equal(randn({51}, {.dtype = kFloat64}), b));
  EXPECT_TRUE(equal(randint(0, 100, {20}), c));
  EXPECT_TRUE(equal(bernoulli({30}, 0.3), d));
  EXPECT_TRUE(equal(randperm(40), e));
  manual_seed(124);
  EXPECT_FALSE(equal(rand({50}), a));
  EXPECT_EQ(default_generator().initial_seed(), 124u);
  // Reseeding drops a cached second Box-Muller variate.
  manual_seed(7);
  const std::vector<double> odd = randn({3}, {.dtype = kFloat64}).to_vector<double>();
  manual_seed(7);
  const std::vector<double> four = randn({4}, {.dtype = kFloat64}).to_vector<double>();
  EXPECT_EQ(std::vector<double>(four.begin(), four.begin() + 3), odd);
}

TEST(Random, RandIsInUnitInterval) {
  manual_seed(1);
  for (DType dt : {kFloat32, kFloat64}) {
    SCOPED_TRACE(dtype_name(dt));
    const std::vector<double> v = rand({200000}, {.dtype = dt}).to_vector<double>();
    EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0);
    EXPECT_LT(*std::max_element(v.begin(), v.end()), 1.0);
    EXPECT_NEAR(mean_of(v), 0.5, 0.005);  // sd of the mean: 0.00065
    EXPECT_NEAR(std_of(v), std::sqrt(1.0 / 12), 0.005);
    // Both halves and both tails are populated.
    EXPECT_GT(std::count_if(v.begin(), v.end(), [](double x) { return x < 0.001; }), 100);
    EXPECT_GT(std::count_if(v.begin(), v.end(), [](double x) { return x > 0.999; }), 100);
  }
  EXPECT_THROW(rand({2}, {.dtype = kInt64}), Error);
}

TEST(Random, Float32UniformNeverRoundsUpToOne) {
  // A double u < 1 within 2^-25 of 1 rounds to 1.0f; about one draw in 2^25 is that close,
  // so 2^26 draws catch an implementation that converts 53-bit doubles.
  manual_seed(2);
  float largest = 0;
  for (int chunk = 0; chunk < 16; ++chunk) {
    const Tensor u = rand({1 << 22});
    const float* p = u.data_ptr<float>();
    largest = std::max(largest, *std::max_element(p, p + u.numel()));
  }
  EXPECT_LT(largest, 1.0f);
}

TEST(Random, UniformAndNormalFill) {
  manual_seed(3);
  Tensor t = empty({100000}, {.dtype = kFloat64});
  uniform_(t, -2, 3);
  const std::vector<double> u = t.to_vector<double>();
  EXPECT_GE(*std::min_element(u.begin(), u.end()), -2.0);
  EXPECT_LT(*std::max_element(u.begin(), u.end()), 3.0);
  EXPECT_NEAR(mean_of(u), 0.5, 0.03);
  normal_(t, 10, 0.5);
  const std::vector<double> n = t.to_vector<double>();
  EXPECT_NEAR(mean_of(n), 10, 0.01);  // sd of the mean: 0.0016
  EXPECT_NEAR(std_of(n), 0.5, 0.01);
  EXPECT_THROW(normal_(t, 0, -1), Error);
  Tensor i = empty({3}, {.dtype = kInt64});
  EXPECT_THROW(uniform_(i), Error);
  EXPECT_THROW(normal_(i), Error);
  EXPECT_THROW(uniform_(empty({4, 4}).t()), Error);  // needs a contiguous tensor
}

TEST(Random, RandnMoments) {
  manual_seed(4);
  for (DType dt : {kFloat32, kFloat64}) {
    SCOPED_TRACE(dtype_name(dt));
    const Tensor x = randn({200000}, {.dtype = dt});
    EXPECT_EQ(x.dtype(), dt);
    const std::vector<double> v = x.to_vector<double>();
    EXPECT_NEAR(mean_of(v), 0, 0.012);  // 5 standard errors
    EXPECT_NEAR(std_of(v), 1, 0.01);
    // Tails of a normal: P(|x| > 3) = 0.0027.
    const auto tail = std::count_if(v.begin(), v.end(), [](double e) { return std::abs(e) > 3; });
    EXPECT_NEAR(static_cast<double>(tail) / v.size(), 0.0027, 0.0006);
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double e) { return std::isfinite(e); }));
  }
}

TEST(Random, Randint) {
  manual_seed(5);
  const Tensor x = randint(-3, 4, {20000});
  EXPECT_EQ(x.dtype(), kInt64);
  const std::vector<int64_t> v = x.to_vector<int64_t>();
  const std::set<int64_t> seen(v.begin(), v.end());
  EXPECT_EQ(seen, (std::set<int64_t>{-3, -2, -1, 0, 1, 2, 3}));
  for (int64_t k = -3; k <= 3; ++k) EXPECT_NEAR(std::count(v.begin(), v.end(), k) / 20000.0, 1.0 / 7, 0.015);
  const Tensor f = randint(0, 10, {100}, {.dtype = kFloat32});
  EXPECT_EQ(f.dtype(), kFloat32);
  for (float e : f.to_vector<float>()) EXPECT_EQ(e, std::floor(e));
  EXPECT_EQ(randint(5, 6, {10}).to_vector<int64_t>(), std::vector<int64_t>(10, 5));
  // The full int64 range does not overflow.
  const std::vector<int64_t> wide = randint(INT64_MIN, INT64_MAX, {1000}).to_vector<int64_t>();
  EXPECT_TRUE(std::any_of(wide.begin(), wide.end(), [](int64_t e) { return e < 0; }));
  EXPECT_TRUE(std::any_of(wide.begin(), wide.end(), [](int64_t e) { return e > 0; }));
  EXPECT_THROW(randint(3, 3, {1}), Error);
  EXPECT_THROW(randint(4, 3, {1}), Error);
}

TEST(Random, Bernoulli) {
  manual_seed(6);
  const Tensor b = bernoulli({100000}, 0.3);
  EXPECT_EQ(b.dtype(), kFloat32);
  const std::vector<double> v = b.to_vector<double>();
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double e) { return e == 0 || e == 1; }));
  EXPECT_NEAR(mean_of(v), 0.3, 0.008);  // 5 standard errors
  EXPECT_EQ(bernoulli({50}, 0, {.dtype = kFloat64}).sum().item<double>(), 0);
  EXPECT_EQ(bernoulli({50}, 1).sum().item<double>(), 50);
  // Per-element probabilities.
  const Tensor p = tensor({0, 1, 0.5, 0, 1});
  const Tensor pb = bernoulli(p.expand({4000, 5}).contiguous());
  EXPECT_EQ(pb.shape(), Shape({4000, 5}));
  expect_values(pb.mean({0}), {0, 1, 0.5, 0, 1}, 0.04);
  expect_values(bernoulli(from_vector(std::vector<double>{0, 1}, {2})), {0, 1});
  EXPECT_THROW(bernoulli({2}, 1.5), Error);
  EXPECT_THROW(bernoulli({2}, -0.1), Error);
  EXPECT_THROW(bernoulli(tensor({0.5, 2})), Error);
  EXPECT_THROW(bernoulli(from_vector(std::vector<int64_t>{0, 1}, {2})), Error);
}

TEST(Random, Randperm) {
  manual_seed(7);
  for (int64_t n : {0, 1, 2, 10, 1000}) {
    const Tensor p = randperm(n);
    EXPECT_EQ(p.dtype(), kInt64);
    EXPECT_EQ(p.shape(), Shape({n}));
    std::vector<int64_t> v = p.to_vector<int64_t>();
    std::sort(v.begin(), v.end());
    std::vector<int64_t> want(static_cast<size_t>(n));
    std::iota(want.begin(), want.end(), 0);
    EXPECT_EQ(v, want) << "randperm(" << n << ") is not a permutation";
  }
  const std::vector<int64_t> p = randperm(1000).to_vector<int64_t>();
  int fixed = 0;
  for (int64_t i = 0; i < 1000; ++i) fixed += p[static_cast<size_t>(i)] == i;
  EXPECT_LT(fixed, 10);  // about one fixed point is expected
  // Every position takes every value about equally often.
  std::vector<int> first(5, 0);
  for (int i = 0; i < 5000; ++i) ++first[static_cast<size_t>(randperm(5).to_vector<int64_t>()[0])];
  for (int c : first) EXPECT_NEAR(c / 5000.0, 0.2, 0.03);
  EXPECT_THROW(randperm(-1), Error);
}

TEST(Random, LatinHypercubeHasOnePointPerStratumInEveryDim) {
  manual_seed(9);
  constexpr int64_t n = 50;
  const Tensor points = latin_hypercube(n, 3, {.dtype = kFloat64});
  EXPECT_EQ(points.shape(), Shape({n, 3}));
  for (int64_t d = 0; d < 3; ++d) {
    const std::vector<double> column = points.select(1, d).to_vector<double>();
    std::vector<int64_t> strata;
    for (double v : column) {
      EXPECT_GE(v, 0);
      EXPECT_LE(v, 1);
      strata.push_back(static_cast<int64_t>(std::floor(v * n)));
    }
    std::sort(strata.begin(), strata.end());
    std::vector<int64_t> want(n);
    std::iota(want.begin(), want.end(), 0);
    EXPECT_EQ(strata, want) << "dim " << d;
  }
  // Independent orders per dim, and a seeded draw repeats.
  EXPECT_FALSE(equal(points.select(1, 0), points.select(1, 1)));
  manual_seed(9);
  EXPECT_TRUE(equal(latin_hypercube(n, 3, {.dtype = kFloat64}), points));
  EXPECT_EQ(latin_hypercube(4, 1).dtype(), kFloat32);
  EXPECT_THROW(latin_hypercube(0, 1), Error);
  EXPECT_THROW(latin_hypercube(3, 1, {.dtype = kInt64}), Error);
}

TEST(Random, RandpermFromItsOwnGenerator) {
  manual_seed(3);
  const Tensor global_next = randperm(50);
  manual_seed(3);
  Generator a(11), b(11), c(12);
  const Tensor p = randperm(50, a);
  EXPECT_TRUE(equal(p, randperm(50, b)));
  EXPECT_FALSE(equal(p, randperm(50, c)));
  EXPECT_FALSE(equal(p, randperm(50, a)));  // the generator advanced
  EXPECT_TRUE(equal(randperm(50), global_next));  // the global generator was not used
  std::vector<int64_t> v = p.to_vector<int64_t>();
  std::sort(v.begin(), v.end());
  EXPECT_EQ(v.front(), 0);
  EXPECT_EQ(std::unique(v.begin(), v.end()) - v.begin(), 50);
  EXPECT_THROW(randperm(-1, a), Error);
}

TEST(Random, GeneratorStateRoundTrip) {
  Generator g(42);
  g.normal();  // leaves the second Box-Muller variate cached: part of the state
  const std::string state = g.state();
  std::vector<double> a;
  for (int i = 0; i < 5; ++i) a.push_back(g.normal());
  for (int i = 0; i < 5; ++i) a.push_back(g.uniform());
  Generator h(1);
  h.set_state(state);
  EXPECT_EQ(h.initial_seed(), 42u);
  std::vector<double> b;
  for (int i = 0; i < 5; ++i) b.push_back(h.normal());
  for (int i = 0; i < 5; ++i) b.push_back(h.uniform());
  EXPECT_EQ(a, b);
  EXPECT_THROW(h.set_state("not a state"), Error);

  // The global generator: a checkpoint resumes the exact stream of tensors.
  manual_seed(99);
  randn({3});
  const std::string saved = default_generator().state();
  const Tensor x = randn({5}), y = rand({5}), z = randperm(8);
  default_generator().set_state(saved);
  EXPECT_TRUE(equal(randn({5}), x));
  EXPECT_TRUE(equal(rand({5}), y));
  EXPECT_TRUE(equal(randperm(8), z));
}

TEST(Random, GeneratorsAreIndependent) {
  Generator a(11), b(11);
  const double first = a.uniform();
  manual_seed(0);
  rand({100});  // the global generator does not advance local ones
  EXPECT_EQ(b.uniform(), first);
  for (int i = 0; i < 100; ++i) {
    const double u = a.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
