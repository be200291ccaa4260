#include "src/tensor/lanes.h"

#include "src/tensor/reduction.h"

namespace nabla::detail {

Lanes plan_lanes(const Tensor& x, const DimList& dims, bool keepdim, const char* op) {
  const Reduction r = plan_shapes(x, dims, keepdim, op);
  Lanes l;
  l.out_shape = r.out_shape;
  l.keep_shape = r.keep_shape;
  for (int d = 0; d < x.dim(); ++d)
    if (r.reduced[d]) l.dims.push_back(d);
  // Size-1 dims do not matter; the rest must read kept* reduced* kept* to be used in place.
  bool adjacent = x.is_contiguous();
  int phase = 0;  // 0: before the reduced run, 1: in it, 2: after it
  for (int d = 0; d < x.dim() && adjacent; ++d) {
    const int64_t s = x.size(d);
    if (s == 1) continue;
    if (r.reduced[d]) {
      adjacent = phase != 2;
      phase = 1;
      l.n *= s;
    } else if (phase == 0) {
      l.pre *= s;
    } else {
      phase = 2;
      l.post *= s;
    }
  }
  if (adjacent) {
    l.data = x;
  } else {
    const Reduction p = plan_reduction(x, dims, keepdim, op);
    l.data = p.rows;
    l.pre = p.outer;
    l.n = p.inner;
    l.post = 1;
  }
  return l;
}

}  // namespace nabla::detail
