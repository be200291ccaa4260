#pragma once
// The arithmetic of a sliding window along one dim, shared by the convolutions and the pooling
// ops: output j reads inputs j stride - padding + t dilation for t in [0, kernel).
#include <algorithm>
#include <cstdint>

#include "nabla/nn/expanding_array.h"
#include "src/nn/repr.h"

namespace nabla::nn::internal {

struct Window {
  int64_t in = 1, k = 1, s = 1, p = 0, d = 1, out = 1;
};

// The height of a 1-D op run as a 2-D one.
inline constexpr Window kFlatWindow{};

// ceil(a / b) for b > 0 and any a.
inline int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The outputs j in [lo, hi) of [0, out) whose input j stride + shift lies in [0, in).
struct Range {
  int64_t lo, hi;
};
inline Range inside(int64_t in, int64_t out, int64_t stride, int64_t shift) {
  const int64_t lo = std::clamp<int64_t>(ceil_div(-shift, stride), 0, out);
  return {lo, std::clamp<int64_t>(ceil_div(in - shift, stride), lo, out)};
}

// Throws unless every size is at least `min` (0 or 1), naming the op and what the sizes are.
template <int D>
void check_at_least(const char* op, const char* what, const ExpandingArray<D>& sizes, int64_t min) {
  for (int64_t v : sizes.values())
    NABLA_CHECK(v >= min, op, what, " must be ", min == 0 ? "non-negative" : "positive", ", got ",
                py_sizes(sizes));
}

}  // namespace nabla::nn::internal
