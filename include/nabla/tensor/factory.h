#pragma once
// Tensor factories, PyTorch's names: zeros({2, 3}), full({4}, 0.5, {.dtype = kFloat64}).
#include <initializer_list>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla {

Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
Tensor full(const Shape& shape, double value, TensorOptions options = {});
// 0-d tensor holding one value.
Tensor scalar_tensor(double value, TensorOptions options = {});
// [0, end) and [start, end) in steps; like PyTorch, the dtype defaults to float32 here.
Tensor arange(double end, TensorOptions options = {});
Tensor arange(double start, double end, double step = 1, TensorOptions options = {});
Tensor linspace(double start, double end, int64_t steps, TensorOptions options = {});
Tensor eye(int64_t n, int64_t m = -1, TensorOptions options = {});

Tensor empty_like(const Tensor& t);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, double value);

// From data: tensor({1, 2, 3}) is float32 (any other dtype via options), and the
// vector overloads take an explicit shape whose element count must match.
Tensor tensor(std::initializer_list<double> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, TensorOptions options = {});
Tensor from_vector(const std::vector<float>& values, const Shape& shape);
Tensor from_vector(const std::vector<double>& values, const Shape& shape);
Tensor from_vector(const std::vector<int64_t>& values, const Shape& shape);

}  // namespace nabla
