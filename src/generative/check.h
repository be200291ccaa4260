#pragma once
// Argument checks shared by the generative models and their losses.
#include "nabla/tensor/tensor.h"

namespace nabla::generative::detail {

// A defined floating-point tensor.
inline void check_floating(const Tensor& t, const char* name, const char* op) {
  NABLA_CHECK(t.defined(), op, "undefined ", name);
  NABLA_CHECK(t.is_floating_point(), op, "expected a floating-point ", name, ", got ", t.dtype());
}

// A batch [N, ...] of at least two dims, the per-sample terms reducing all but the first.
inline void check_batch(const Tensor& t, const char* name, const char* op) {
  check_floating(t, name, op);
  NABLA_CHECK(t.dim() >= 2, op, "expected a batch ", name,
              " of shape [N, ...] with at least 2 dims, got shape ", t.shape());
}

// `t` broadcasts to `shape` without growing it: each of its trailing dims is 1 or shape's.
inline void check_broadcasts_to(const Tensor& t, const Shape& shape, const char* name, const char* op) {
  bool ok = t.dim() <= shape.size();
  for (int i = 1; ok && i <= t.dim(); ++i) {
    const int64_t size = t.size(t.dim() - i);
    ok = size == 1 || size == shape[shape.size() - i];
  }
  NABLA_CHECK(ok, op, name, " of shape ", t.shape(), " does not broadcast to ", shape);
}

}  // namespace nabla::generative::detail
