#pragma once
// Index-based gathering and scattering (indices are int64 tensors).
#include "nabla/tensor/tensor.h"

namespace nabla {

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims).
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// A copy of x with src's values written (scatter) or added (scatter_add) at index.
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, double value);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
// A copy of x with `value` where mask (bool, broadcast to x) is true.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);
// int64 indices -> int64 one-hot of num_classes (inferred as max + 1 when -1).
Tensor one_hot(const Tensor& index, int64_t num_classes = -1);
// Rows of weight [num, dim] picked by index (any shape) -> [..., dim].
Tensor embedding(const Tensor& weight, const Tensor& index);

}  // namespace nabla
