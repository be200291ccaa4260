// GEMM back-ends on the shapes that matter: the seed network's 8 GEMMs (batch 10), the
// wide MLP's (batch 256), all transpose cases, and 1024^3 for the peak. Reports GFLOP/s.
// Row-major C[M,N] = op(A)[M,K] · op(B)[K,N]; "NT" means B is stored transposed (x·Wᵀ).
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include <immintrin.h>

#include <vector>

#include "nabla/tensor/threading.h"
#include "src/tensor/blas.h"
#include "src/tensor/small_gemm.h"

namespace {

struct Case {
  int64_t m, n, k;
  bool ta, tb;
};

template <class Gemm>
void run(benchmark::State& state, Gemm gemm) {
  const Case c{state.range(0), state.range(1), state.range(2), state.range(3) != 0, state.range(4) != 0};
  std::vector<float> a(c.m * c.k, 0.5f), b(c.k * c.n, 0.25f), out(c.m * c.n);
  const int64_t lda = c.ta ? c.m : c.k, ldb = c.tb ? c.k : c.n;
  for (auto _ : state) {
    gemm(c, a.data(), lda, b.data(), ldb, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * c.m * c.n * c.k, benchmark::Counter::kIsIterationInvariantRate);
}

void Nabla(benchmark::State& state) {
  run(state, [](const Case& c, const float* a, int64_t lda, const float* b, int64_t ldb, float* out) {
    nabla::detail::gemm(c.ta, c.tb, c.m, c.n, c.k, 1.f, a, lda, b, ldb, 0.f, out, c.n);
  });
}

// nabla's small-matrix kernel called directly, whatever detail::gemm would route to.
void Small(benchmark::State& state) {
  run(state, [](const Case& c, const float* a, int64_t lda, const float* b, int64_t ldb, float* out) {
    nabla::detail::small_sgemm(c.ta, c.tb, c.m, c.n, c.k, 1.f, a, lda, b, ldb, 0.f, out, c.n);
  });
}

void OneDNN(benchmark::State& state) {
  run(state, [](const Case& c, const float* a, int64_t lda, const float* b, int64_t ldb, float* out) {
    dnnl_sgemm(c.ta ? 'T' : 'N', c.tb ? 'T' : 'N', c.m, c.n, c.k, 1.f, a, lda, b, ldb, 0.f, out, c.n);
  });
}

void OpenBLAS(benchmark::State& state) {
  run(state, [](const Case& c, const float* a, int64_t lda, const float* b, int64_t ldb, float* out) {
    cblas_sgemm(CblasRowMajor, c.ta ? CblasTrans : CblasNoTrans, c.tb ? CblasTrans : CblasNoTrans, c.m, c.n, c.k,
                1.f, a, lda, b, ldb, 0.f, out, c.n);
  });
}

// The core's measured fp32 peak: 16 independent chains of 512-bit FMAs (2 flops x 16 lanes
// each), long enough to hide FMA latency on both ports. GEMM efficiency is quoted against
// this, not against the nominal clock, since AVX-512 code runs at a lower frequency.
__attribute__((target("avx512f"))) void PeakFma(benchmark::State& state) {
  constexpr int kChains = 16, kSteps = 1 << 16;
  for (auto _ : state) {
    __m512 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(0.001f * c);
    const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.0001f);
    for (int s = 0; s < kSteps; ++s)
      for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    for (int c = 0; c < kChains; ++c) benchmark::DoNotOptimize(acc[c]);
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * 16 * kChains * kSteps, benchmark::Counter::kIsIterationInvariantRate);
}

void Shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K", "tA", "tB"});
  // W1 forward (x·Wᵀ), backward input (g·W) and weight (gᵀ·x) GEMMs.
  for (const std::vector<int64_t>& args : std::vector<std::vector<int64_t>>{
           {10, 200, 4, 0, 1}, {10, 300, 200, 0, 1}, {10, 1, 300, 0, 1}, {10, 200, 300, 0, 0}, {10, 300, 1, 0, 0},
           {1, 300, 10, 1, 0}, {300, 200, 10, 1, 0}, {200, 4, 10, 1, 0},
           // W2
           {256, 1024, 784, 0, 1}, {256, 1024, 1024, 0, 1}, {256, 784, 1024, 0, 0}, {1024, 1024, 256, 1, 0},
           {1024, 784, 256, 1, 0},
           // peak
           {1024, 1024, 1024, 0, 0}})
    b->Args(args);
}

}  // namespace

BENCHMARK(PeakFma);
BENCHMARK(Nabla)->Apply(Shapes);
BENCHMARK(Small)->Apply(Shapes);
BENCHMARK(OneDNN)->Apply(Shapes);
BENCHMARK(OpenBLAS)->Apply(Shapes);

int main(int argc, char** argv) {
  nabla::set_num_threads(1);
  openblas_set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
}
