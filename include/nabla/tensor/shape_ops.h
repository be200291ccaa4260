#pragma once
// Views (no copy; differentiable) and ops that join or split tensors. The view ops are
// also Tensor methods: x.view({2, -1}), x.transpose(0, 1), x.narrow(1, 0, 3), ...
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla {

Tensor view(const Tensor& x, const Shape& shape);  // one size may be -1
Tensor reshape(const Tensor& x, const Shape& shape);  // a view when possible, else a copy
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor permute(const Tensor& x, const DimList& dims);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
// Elements start, start+step, ... below end (clamped to the size, like Python slices).
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor expand(const Tensor& x, const Shape& shape);  // -1 keeps a size
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes);

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
// Pieces of `split_size` along dim (the last may be smaller), or of the given sizes.
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);
// `chunks` pieces of ceil(size / chunks) along dim (fewer when the size is small).
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
std::vector<Tensor> unbind(const Tensor& x, int64_t dim = 0);

}  // namespace nabla
