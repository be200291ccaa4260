// The small-matrix SGEMM against a double-precision reference: all transpose cases, edge sizes
// (0, 1, one vector +- 1, ...), padded leading dimensions, alpha != 1, beta in {0, 0.5, 1}, and
// every ISA variant this CPU runs. Padding around the operands holds NaN, so a kernel that reads
// outside the matrices shows up in C; padding around C holds a sentinel that must survive.
#include "src/tensor/small_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "src/tensor/blas.h"

namespace nabla::detail {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kSentinel = 12345.f;

struct Problem {
  bool ta, tb;
  int64_t m, n, k;
  float alpha = 1, beta = 0;
};

std::string describe(const Problem& p) {
  std::ostringstream s;
  s << (p.ta ? "T" : "N") << (p.tb ? "T" : "N") << " m=" << p.m << " n=" << p.n << " k=" << p.k
    << " alpha=" << p.alpha << " beta=" << p.beta;
  return s.str();
}

// A rows x cols matrix of values in [-1, 1) with leading dimension cols + pad, padded with NaN.
struct Matrix {
  int64_t rows, cols, ld;
  std::vector<float> data;
  Matrix(int64_t r, int64_t c, int64_t pad, std::mt19937& rng, float fill = kNaN)
      : rows(r), cols(c), ld(c + pad), data(std::max<int64_t>(r * (c + pad), 1), fill) {
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    for (int64_t i = 0; i < r; ++i)
      for (int64_t j = 0; j < c; ++j) data[i * ld + j] = dist(rng);
  }
  float operator()(int64_t i, int64_t j) const { return data[i * ld + j]; }
};

// Runs `gemm` on p and checks C element by element against alpha * op(A) op(B) + beta * C in
// double precision, within the float32 accumulation bound (k + 2) * 2^-23 * sum |terms|. Leading
// dimensions are padded, or exactly the row length if `tight` (which makes single rows and
// columns contiguous vectors).
template <class Gemm>
void check(const Problem& p, const Gemm& gemm, bool tight = false) {
  std::mt19937 rng(static_cast<uint32_t>(p.m * 1000003 + p.n * 1009 + p.k * 7 + p.ta * 2 + p.tb));
  const Matrix a(p.ta ? p.k : p.m, p.ta ? p.m : p.k, tight ? 0 : 3, rng);
  const Matrix b(p.tb ? p.n : p.k, p.tb ? p.k : p.n, tight ? 0 : 5, rng);
  Matrix c(p.m, p.n, tight ? 0 : 7, rng, kSentinel);
  if (p.beta == 0)
    for (int64_t i = 0; i < p.m; ++i)
      for (int64_t j = 0; j < p.n; ++j) c.data[i * c.ld + j] = kNaN;  // must not be read
  const Matrix c0 = c;
  // A zero-width matrix still gets leading dimension 1, as BLAS requires.
  gemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, a.data.data(), std::max<int64_t>(a.ld, 1), b.data.data(),
       std::max<int64_t>(b.ld, 1), p.beta, c.data.data(), std::max<int64_t>(c.ld, 1));
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t j = 0; j < p.n; ++j) {
      double sum = 0, magnitude = 0;
      for (int64_t l = 0; l < p.k; ++l) {
        const double term = double(p.ta ? a(l, i) : a(i, l)) * double(p.tb ? b(j, l) : b(l, j));
        sum += term;
        magnitude += std::abs(term);
      }
      double expected = p.alpha * sum, bound = std::abs(p.alpha) * magnitude;
      if (p.beta != 0) {
        expected += p.beta * double(c0(i, j));
        bound += std::abs(p.beta * double(c0(i, j)));
      }
      const double tol = (p.k + 2) * std::ldexp(bound, -23) + 1e-30;
      ASSERT_LE(std::abs(c(i, j) - expected), tol)
          << describe(p) << (tight ? " tight" : " padded") << ": C(" << i << ", " << j << ") = " << c(i, j)
          << ", expected " << expected;
    }
    for (int64_t j = p.n; j < c.ld; ++j)
      ASSERT_EQ(c(i, j), kSentinel) << describe(p) << ": wrote padding at " << i << ", " << j;
  }
}

std::vector<SimdIsa> supported_isas() {
  std::vector<SimdIsa> isas;
  for (SimdIsa isa : {SimdIsa::kAvx2, SimdIsa::kAvx512})
    if (cpu_supports(isa)) isas.push_back(isa);
  return isas;
}

auto small_gemm_on(SimdIsa isa) {
  return [isa](auto... args) { small_sgemm(isa, args...); };
}

TEST(SmallGemm, MatchesReferenceOverShapeSweep) {
  const std::vector<int64_t> sizes{0, 1, 2, 3, 5, 8, 10, 15, 16, 17, 31, 33, 64, 100, 200, 300};
  const float betas[] = {0.f, 1.f, 0.5f};
  ASSERT_FALSE(supported_isas().empty());
  for (SimdIsa isa : supported_isas()) {
    SCOPED_TRACE(isa == SimdIsa::kAvx512 ? "AVX-512" : "AVX2");
    int case_index = 0;
    for (int64_t m : sizes)
      for (int64_t n : sizes)
        for (int64_t k : sizes) {
          if (m * n * k > 100000) continue;  // the reference is naive; the large cases are below
          for (int t = 0; t < 4; ++t, ++case_index) {
            const Problem p{t / 2 == 1, t % 2 == 1, m, n, k, -1.5f, betas[case_index % 3]};
            // Vector operands are special-cased only when contiguous, so test them both ways.
            const bool vector_operand = m == 1 || n == 1;
            if (vector_operand || case_index % 8 < 4) check(p, small_gemm_on(isa), false);
            if (vector_operand || case_index % 8 >= 4) check(p, small_gemm_on(isa), true);
          }
        }
  }
}

// The seed network's GEMMs (Linear 4->200->300->1 at batch 10) and a few larger shapes whose
// panels span several K chunks and column panels, at every beta.
TEST(SmallGemm, MatchesReferenceOnTrainingShapes) {
  const Problem shapes[] = {
      {false, true, 10, 200, 4},    {false, true, 10, 300, 200}, {false, true, 10, 1, 300},
      {false, false, 10, 200, 300}, {false, false, 10, 300, 1},  {true, false, 1, 300, 10},
      {true, false, 300, 200, 10},  {true, false, 200, 4, 10},   {true, true, 37, 45, 700},
      {false, true, 19, 70, 1000},  {true, false, 65, 129, 300}, {false, false, 64, 100, 513}};
  for (SimdIsa isa : supported_isas())
    for (Problem p : shapes)
      for (float beta : {0.f, 1.f, 0.5f}) {
        p.alpha = 0.75f;
        p.beta = beta;
        check(p, small_gemm_on(isa));
      }
}

// As in BLAS, alpha = 0 (or k = 0) scales C by beta without reading A or B, so NaN there does
// not reach C.
TEST(SmallGemm, AlphaZeroScalesCWithoutReadingOperands) {
  const std::vector<float> a(6 * 4, kNaN), b(4 * 5, kNaN);
  for (SimdIsa isa : supported_isas())
    for (float beta : {0.f, 2.f}) {
      std::vector<float> c(6 * 5, beta == 0 ? kNaN : 1.5f);
      small_sgemm(isa, false, false, 6, 5, 4, 0.f, a.data(), 4, b.data(), 5, beta, c.data(), 5);
      for (float x : c) EXPECT_EQ(x, beta * 1.5f);
    }
}

// detail::gemm sends small products to the kernel and large ones to oneDNN; both must agree
// with the reference, including on either side of the crossover.
TEST(SmallGemm, GemmRoutingMatchesReference) {
  const Problem shapes[] = {
      {false, true, 10, 300, 200},  {false, false, 10, 200, 300}, {true, false, 200, 4, 10},
      {true, true, 40, 50, 60},     {false, true, 64, 256, 256},  {false, false, 128, 128, 128},
      {true, false, 300, 200, 10},  {true, false, 200, 300, 64},  {true, false, 64, 16, 300},
      {false, true, 256, 300, 200}, {false, false, 200, 200, 200}};
  for (Problem p : shapes) {
    p.alpha = 1.25f;
    p.beta = 0.5f;
    check(p, [](auto... args) { gemm(args...); });
  }
}

}  // namespace
}  // namespace nabla::detail
