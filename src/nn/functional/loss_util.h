#pragma once
// Checks and reductions shared by the loss functions.
#include <utility>

#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/reduce.h"

namespace nabla::nn::loss_detail {

inline Tensor reduce(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::None:
      return loss;
    case Reduction::Mean:
      return mean(loss);
    case Reduction::Sum:
      return sum(loss);
  }
  return loss;
}

// input and target converted to their common floating dtype (PyTorch's type promotion).
inline std::pair<Tensor, Tensor> promote(const Tensor& input, const Tensor& target, const char* op) {
  NABLA_CHECK(input.defined() && target.defined(), op, "undefined input or target");
  const DType dt = promote_types(input.dtype(), target.dtype());
  NABLA_CHECK(is_floating(dt), op, "expected floating-point input and target, got ", input.dtype(), " and ",
              target.dtype());
  return {input.to(dt), target.to(dt)};
}

inline void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  NABLA_CHECK(input.shape() == target.shape(), op, "target of shape ", target.shape(),
              " does not match the input of shape ", input.shape());
}

// A weight tensor as a constant of the loss's dtype, checked to broadcast to `shape`.
inline Tensor constant_weight(const Tensor& weight, const char* what, const Shape& shape, DType dtype,
                              const char* op) {
  NABLA_CHECK(weight.is_floating_point(), op, what, " must be floating point, got ", weight.dtype());
  NABLA_CHECK(broadcast_shapes(shape, weight.shape(), op) == shape, op, what, " of shape ", weight.shape(),
              " does not broadcast to the input of shape ", shape);
  return weight.detach().to(dtype);
}

}  // namespace nabla::nn::loss_detail
