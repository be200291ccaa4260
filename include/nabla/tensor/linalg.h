#pragma once
// Matrix products on the BLAS, with PyTorch's matmul rules.
#include "nabla/tensor/tensor.h"

namespace nabla {

// 1-D·1-D dot, 2-D·2-D mm, 1-D promoted to a matrix and the added dim removed, and
// batched products with broadcast batch dims.
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor mm(const Tensor& a, const Tensor& b);    // [n, k] · [k, m]
Tensor bmm(const Tensor& a, const Tensor& b);   // [B, n, k] · [B, k, m]
Tensor dot(const Tensor& a, const Tensor& b);   // 1-D · 1-D
Tensor mv(const Tensor& a, const Tensor& v);    // [n, k] · [k]
Tensor outer(const Tensor& a, const Tensor& b); // [n] ⊗ [m]
// beta * bias + alpha * (a · b), bias broadcast to [n, m].
Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, double beta = 1, double alpha = 1);
// x · weightᵀ + bias over the last dim of x (torch.nn.functional.linear); bias may be undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});

}  // namespace nabla
