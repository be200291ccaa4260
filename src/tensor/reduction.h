#pragma once
// Shared set-up of reductions over a list of dims.
#include "nabla/tensor/tensor.h"

namespace nabla::detail {

struct Reduction {
  Tensor rows;          // x rearranged as a contiguous [outer, inner] matrix; reduce each row
  int64_t outer = 1;    // number of output elements
  int64_t inner = 1;    // elements reduced into each
  Shape out_shape;      // result shape (honouring keepdim)
  Shape keep_shape;     // result shape with reduced dims kept as 1 (for broadcasting back)
  bool reduced[kMaxDims] = {};
};

// Plans a reduction of x over `dims` (empty = all dims). Throws naming `op` for bad dims.
Reduction plan_reduction(const Tensor& x, const DimList& dims, bool keepdim, const char* op);
// Only the shapes of the plan (no data rearrangement).
Reduction plan_shapes(const Tensor& x, const DimList& dims, bool keepdim, const char* op);

}  // namespace nabla::detail
