#pragma once
// Register-blocked float32 GEMM for products too small for a BLAS library's per-call work
// (packing, threading setup) to pay off: the batch-10 products of training a small MLP.
// Row-major C = alpha * op(A) * op(B) + beta * C, the contract of detail::gemm; operands are
// read in place, so the operands of one call should fit in L2. beta == 0 means C is not read.
#include <cstdint>

#include "src/tensor/simd.h"

namespace nabla::detail {

// Runs on the widest ISA the CPU supports.
void small_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
// Runs on `isa`, which the CPU must support (tests use it to check each variant).
void small_sgemm(SimdIsa isa, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                 const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace nabla::detail
