#pragma once
// Lanes: the input of a reduction seen as a contiguous [pre, n, post] array. Lane (o, j)
// runs over the n elements o*n*post + i*post + j; lanes are numbered o*post + j, which is
// also the row-major order of the reduced result. A contiguous input whose reduced dims
// are adjacent is used in place; anything else is rearranged into [outer, n, 1] first.
//
// fold_lanes reduces every lane with an accumulator:
//   struct Acc {
//     using State = ...;
//     State init() const;
//     State step(State s, T v, int64_t i, int64_t lane) const;  // v: element i of the lane
//     State merge(State a, State b) const;  // combines partial folds of one lane, any order
//   };
// Along a row (post == 1) it keeps 16 independent states, which vectorises and shortens
// the dependency chain; across lanes (post > 1) it folds blocks of adjacent lanes at once.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "nabla/tensor/tensor.h"
#include "src/tensor/loops.h"

namespace nabla::detail {

struct Lanes {
  Tensor data;  // contiguous
  int64_t pre = 1, n = 1, post = 1;
  Shape out_shape;   // result shape (honouring keepdim)
  Shape keep_shape;  // result shape with reduced dims kept as 1
  DimList dims;      // the reduced dims, wrapped and ascending
  int64_t count() const { return pre * post; }
};

// Lanes of x over `dims` (empty = all dims); throws naming `op` for bad dims.
Lanes plan_lanes(const Tensor& x, const DimList& dims, bool keepdim, const char* op);

inline constexpr int kRowStates = 16;
inline constexpr int64_t kLaneBlock = 64;

template <class T, class Acc>
typename Acc::State fold_row(const Acc& acc, const T* p, int64_t begin, int64_t end, int64_t lane) {
  using S = typename Acc::State;
  S s[kRowStates];
  for (S& v : s) v = acc.init();
  int64_t i = begin;
  for (; i + kRowStates <= end; i += kRowStates)
    for (int k = 0; k < kRowStates; ++k) s[k] = acc.step(s[k], p[i + k], i + k, lane);
  for (; i < end; ++i) s[0] = acc.step(s[0], p[i], i, lane);
  for (int k = 1; k < kRowStates; ++k) s[0] = acc.merge(s[0], s[k]);
  return s[0];
}

// Calls emit(lane, state) once per lane, in parallel over lanes (or, for one long lane,
// over pieces of it).
template <class T, class Acc, class Emit>
void fold_lanes(const Lanes& l, const Acc& acc, Emit&& emit) {
  using S = typename Acc::State;
  const T* x = static_cast<const T*>(l.data.raw_data());
  const int64_t n = l.n, post = l.post;
  if (post == 1 && l.pre == 1 && n >= 2 * kParallelGrain) {
    constexpr int kPieces = 64;
    S part[kPieces];
    parallel_for(kPieces, 1, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) part[k] = fold_row(acc, x, n * k / kPieces, n * (k + 1) / kPieces, 0);
    });
    for (int k = 1; k < kPieces; ++k) part[0] = acc.merge(part[0], part[k]);
    emit(int64_t{0}, part[0]);
    return;
  }
  if (post == 1) {
    parallel_for(l.pre, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1)),
                 [&](int64_t b, int64_t e) {
                   for (int64_t o = b; o < e; ++o) emit(o, fold_row(acc, x + o * n, 0, n, o));
                 });
    return;
  }
  const int64_t blocks = (post + kLaneBlock - 1) / kLaneBlock;
  const int64_t grain =
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n * std::min(post, kLaneBlock), 1));
  // Folds lanes [lane0, lane0 + w) starting at x[offset]. A full block passes w as a
  // compile-time constant, which GCC unrolls (var over dim 0 of 1024x1024: 455 -> 350 us).
  auto fold_block = [&](int64_t offset, int64_t lane0, auto w) {
    S st[kLaneBlock];
    for (int64_t j = 0; j < w; ++j) st[j] = acc.init();
    for (int64_t i = 0; i < n; ++i) {
      const T* row = x + offset + i * post;
      for (int64_t j = 0; j < w; ++j) st[j] = acc.step(st[j], row[j], i, lane0 + j);
    }
    for (int64_t j = 0; j < w; ++j) emit(lane0 + j, st[j]);
  };
  parallel_for(l.pre * blocks, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / blocks, j0 = (t % blocks) * kLaneBlock, w = std::min(kLaneBlock, post - j0);
      if (w == kLaneBlock)
        fold_block(o * n * post + j0, o * post + j0, std::integral_constant<int64_t, kLaneBlock>{});
      else
        fold_block(o * n * post + j0, o * post + j0, w);
    }
  });
}

// Runs f(offset, lane0, w) over the lanes of l in parallel, where offset is the element
// offset of lane lane0: a row of n when post == 1 (w = 1), else w <= kLaneBlock adjacent
// lanes at stride post.
template <class F>
void for_lane_blocks(const Lanes& l, F&& f) {
  const int64_t blocks = l.post == 1 ? 1 : (l.post + kLaneBlock - 1) / kLaneBlock;
  const int64_t width = std::min(l.post, kLaneBlock);
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(l.n * width, 1));
  parallel_for(l.pre * blocks, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / blocks, j0 = (t % blocks) * kLaneBlock;
      f(o * l.n * l.post + j0, o * l.post + j0, std::min(kLaneBlock, l.post - j0));
    }
  });
}

// Larger (kMax) or smaller of two values; NaN wins, as in PyTorch's max and min.
template <bool kMax, class T>
T pick(T a, T b) {
  // Cascaded selects rather than && and ||, which would become branches and stop GCC
  // from vectorising (so would dropping the redundant-looking last select).
  T r = (kMax ? b > a : b < a) ? b : a;
  r = b != b ? b : r;
  return a != a ? a : r;
}

// max / min of a lane (for max, amax, softmax's shift, ...).
template <class T, bool kMax>
struct ExtremeAcc {
  using State = T;
  static constexpr T kNone =
      std::numeric_limits<T>::has_infinity
          ? (kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity())
          : (kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max());
  T init() const { return kNone; }
  T step(T s, T v, int64_t, int64_t) const { return pick<kMax>(s, v); }
  T merge(T a, T b) const { return pick<kMax>(a, b); }
};

}  // namespace nabla::detail
