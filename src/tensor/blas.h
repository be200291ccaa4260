#pragma once
// Row-major GEMM: C = alpha * op(A) * op(B) + beta * C with op(X) = X or Xᵀ.
// float32 runs on small_sgemm (small_gemm.h) where it measured faster, which covers the small
// products that dominate training small networks, and on oneDNN's sgemm otherwise (faster than
// OpenBLAS on the x·Wᵀ shapes; see docs/benchmarks.md); float64 on OpenBLAS.
#include <cstdint>

namespace nabla::detail {

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

}  // namespace nabla::detail
