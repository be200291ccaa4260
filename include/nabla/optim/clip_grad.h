#pragma once
// Gradient clipping, PyTorch's torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
// Parameters without a gradient are ignored; gradients are changed in place.
#include <limits>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::optim {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Scales the gradients so that their total norm (of all gradients viewed as one vector)
// is at most max_norm: by max_norm / (total + 1e-6) when that is below 1. norm_type is
// any p > 0 or kInf (the largest absolute value). Returns the total norm before
// clipping (0 when no parameter has a gradient). A NaN or infinite total norm throws
// with error_if_nonfinite; otherwise the gradients are scaled by it, as in PyTorch.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2,
                       bool error_if_nonfinite = false);

// Clamps every gradient element to [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

}  // namespace nabla::optim
