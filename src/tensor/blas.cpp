#include "src/tensor/blas.h"

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include "nabla/tensor/error.h"
#include "src/tensor/small_gemm.h"

namespace nabla::detail {
namespace {

// Where small_sgemm beats oneDNN's sgemm. Measured single-threaded on the AVX-512 machine over
// M in {1..256}, N in {1..512}, K in {1..784} and all transpose cases (bench/gemm_bench.cpp has
// the shapes that matter): below ~1M multiply-adds it is 2.2x faster on geometric mean (5-10x on
// the tiniest calls, 1.2-1.5x on the seed network's 10x300x200 products), except where oneDNN's
// packed kernels pay off: outputs of 25600+ elements with K <= 16 (both store-bound; oneDNN's
// stores overlap better, ~1.2x), narrow outputs (N <= 16) of 32+ rows with long K (1.3-1.5x),
// and N >= 200 with K >= 128 at 32+ rows (1.2x). Above ~1M oneDNN also spreads over threads.
bool small_sgemm_wins(bool ta, int64_t m, int64_t n, int64_t k) {
  if (m * n * k > (int64_t{1} << 20)) return false;
  if (m * n >= 25600 && k <= 16) return false;
  if (m >= 32 && n <= 16 && k >= (ta ? 64 : 512)) return false;
  if (m >= 32 && n >= 200 && k >= 128) return false;
  return true;
}

}  // namespace

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // oneDNN leaves C untouched when there is nothing to sum; BLAS still scales it by beta.
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0 ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  if (small_sgemm_wins(ta, m, n, k)) return small_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb,
                                      beta, c, ldc);
  NABLA_CHECK(st == dnnl_success, "gemm", "oneDNN sgemm failed (status ", static_cast<int>(st),
              ") for m=", m, " n=", n, " k=", k);
}

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  // OpenBLAS would otherwise keep one spinning thread per core next to OpenMP's pool.
  static const bool single_threaded = (openblas_set_num_threads(1), true);
  (void)single_threaded;
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

}  // namespace nabla::detail
