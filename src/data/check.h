#pragma once
// Index checks shared by the datasets.
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::data::detail {

inline void check_index(const char* op, int64_t index, int64_t size) {
  NABLA_CHECK(index >= 0 && index < size, op, "index ", index, " is out of range for a dataset of size ",
              size);
}

// get_batch's argument: a non-empty 1-D int64 tensor.
inline void check_batch_indices(const char* op, const Tensor& indices) {
  NABLA_CHECK(indices.defined(), op, "undefined indices");
  NABLA_CHECK(indices.dtype() == kInt64 && indices.dim() == 1 && indices.numel() > 0, op,
              "indices must be a non-empty 1-D int64 tensor, got ", indices.dtype(), " of shape ",
              indices.shape());
}

}  // namespace nabla::data::detail
