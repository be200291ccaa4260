#pragma once
// Reductions over all elements or over given dims (negative dims count from the end),
// keeping reduced dims as size 1 when keepdim is set; softmax and friends.
#include <initializer_list>
#include <utility>

#include "nabla/tensor/tensor.h"

namespace nabla {

Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor prod(const Tensor& x);
Tensor prod(const Tensor& x, int64_t dim, bool keepdim = false);
// Variance and standard deviation; unbiased divides by N - 1 (PyTorch's default).
Tensor var(const Tensor& x, bool unbiased = true);
Tensor var(const Tensor& x, const DimList& dims, bool unbiased = true, bool keepdim = false);
Tensor std(const Tensor& x, bool unbiased = true);
Tensor std(const Tensor& x, const DimList& dims, bool unbiased = true, bool keepdim = false);
// Braced dims, var(x, {1}), would otherwise pick the bool overloads above.
inline Tensor var(const Tensor& x, std::initializer_list<int64_t> dims, bool unbiased = true,
                  bool keepdim = false) {
  return var(x, DimList(dims), unbiased, keepdim);
}
inline Tensor std(const Tensor& x, std::initializer_list<int64_t> dims, bool unbiased = true,
                  bool keepdim = false) {
  return std(x, DimList(dims), unbiased, keepdim);
}
// p-norm (p = 2 by default) of all elements or over dims.
Tensor norm(const Tensor& x, double p = 2);
Tensor norm(const Tensor& x, double p, const DimList& dims, bool keepdim = false);
Tensor logsumexp(const Tensor& x, const DimList& dims, bool keepdim = false);

// Largest / smallest element, and along a dim the values with their int64 indices.
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor amax(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor amin(const Tensor& x, const DimList& dims, bool keepdim = false);
// Index of the first largest / smallest element: flat, or along a dim.
Tensor argmax(const Tensor& x);
Tensor argmin(const Tensor& x);
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim = false);

// Numerically stable (max-shifted) along dim.
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

// Sums `x` down to `shape` (the reverse of broadcasting `shape` up to x.shape()).
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace nabla
