#include "src/tensor/blas.h"

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include "nabla/tensor/error.h"

namespace nabla::detail {

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // oneDNN leaves C untouched when there is nothing to sum; BLAS still scales it by beta.
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0 ? 0.0f : beta * c[i * ldc + j];
    return;
  }
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
