#include "nabla/nn/flatten.h"

#include "nabla/tensor/shape_ops.h"
#include "src/nn/repr.h"

namespace nabla::nn {

Tensor Flatten::forward(const Tensor& x) { return flatten(x, options.start_dim, options.end_dim); }

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(options.start_dim) + ", end_dim=" + std::to_string(options.end_dim);
}

Unflatten::Unflatten(UnflattenOptions o) : options(std::move(o)) {
  NABLA_CHECK(!options.unflattened_size.empty(), "Unflatten", "unflattened_size must be non-empty");
}

Tensor Unflatten::forward(const Tensor& x) { return unflatten(x, options.dim, Shape(options.unflattened_size)); }

std::string Unflatten::extra_repr() const {
  return "dim=" + std::to_string(options.dim) + ", unflattened_size=" + internal::py_tuple(options.unflattened_size);
}

}  // namespace nabla::nn
