#pragma once
// Shared machinery of in-place ops.
#include "nabla/tensor/tensor.h"

namespace nabla::detail {

// dst[...] = src[...] with src broadcast to dst and converted to dst's dtype.
void copy_into(const Tensor& dst, const Tensor& src);

// Refuses in-place writes that would make gradients wrong: into a leaf that requires
// grad, into an expanded tensor, or (while recording) into storage that a view or a
// saved tensor also uses.
void check_inplace(const Tensor& self, bool result_requires_grad, const char* op);

// Writes `result` (an out-of-place result, possibly with a graph) into self and makes
// self carry result's autograd history; bumps self's version.
Tensor& assign_result(Tensor& self, const Tensor& result, const char* op);

// After an in-place overwrite by values that do not depend on self's old values, no
// gradient may flow to that history any more.
void detach_history(Tensor& self);

}  // namespace nabla::detail
