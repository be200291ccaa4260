#pragma once
// The elementwise loop machinery. An op hands in an output and inputs (already of the
// output's shape after broadcasting); dims are coalesced, and the kernel sees the
// innermost run as (pointers, element strides, count), so the common strides (1 and 0)
// compile to vectorised loops. Work is split across threads only above a grain size,
// so small tensors never pay for thread start-up.
#include <omp.h>

#include <array>
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::detail {

// Elements below which an elementwise op runs on one thread.
inline constexpr int64_t kParallelGrain = 32768;

// Runs f(begin, end) over [0, n) in contiguous chunks, in parallel when n >= grain.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  const int threads = n >= grain && !omp_in_parallel() ? omp_get_max_threads() : 1;
  if (threads <= 1) {
    if (n > 0) f(int64_t{0}, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t chunk = (n + nt - 1) / nt;
    const int64_t b = t * chunk, e = std::min(n, b + chunk);
    if (b < e) f(b, e);
  }
}

// Iteration geometry of K operands (operand 0 is the output) over a common shape.
template <int K>
struct StridedLoop {
  Shape shape;                           // coalesced shape
  std::array<Shape, K> strides;          // per operand, in elements (0 = broadcast)
  std::array<char*, K> data;             // first element of each operand
  std::array<int64_t, K> elsize;

  StridedLoop(const std::array<const Tensor*, K>& ops, const Shape& out_shape) {
    const int nd = out_shape.size();
    for (int k = 0; k < K; ++k) {
      const Tensor& t = *ops[k];
      elsize[k] = static_cast<int64_t>(t.element_size());
      data[k] = static_cast<char*>(t.raw_data());
      strides[k] = Shape::filled(nd, 0);
      const int off = nd - t.dim();
      for (int d = 0; d < t.dim(); ++d)
        strides[k][off + d] = t.size(d) == 1 ? 0 : t.stride(d);
    }
    // Coalesce adjacent dims (from the innermost outwards) when every operand steps
    // through them as one; drop size-1 dims.
    Shape cs;
    std::array<Shape, K> cst;
    for (int d = 0; d < nd; ++d) {
      const int64_t n = out_shape[d];
      if (n == 1) continue;
      bool merge = !cs.empty();
      for (int k = 0; k < K && merge; ++k)
        merge = cst[k].back() == strides[k][d] * n;
      if (merge) {
        cs[cs.size() - 1] *= n;
        for (int k = 0; k < K; ++k) cst[k][cst[k].size() - 1] = strides[k][d];
      } else {
        cs.push_back(n);
        for (int k = 0; k < K; ++k) cst[k].push_back(strides[k][d]);
      }
    }
    if (cs.empty()) {  // a single element
      cs.push_back(1);
      for (int k = 0; k < K; ++k) cst[k].push_back(0);
    }
    shape = cs;
    strides = cst;
  }

  int64_t numel() const { return shape.numel(); }

  // Calls inner(ptrs, inner_strides, count) for each innermost run of linear elements
  // [begin, end) (in row-major order of the coalesced shape).
  template <class Inner>
  void run(int64_t begin, int64_t end, Inner&& inner) const {
    const int nd = shape.size();
    const int64_t inner_n = shape[nd - 1];
    std::array<int64_t, K> inner_stride;
    for (int k = 0; k < K; ++k) inner_stride[k] = strides[k][nd - 1];
    // Multi-index of `begin`.
    int64_t idx[kMaxDims];
    int64_t rem = begin;
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
    }
    int64_t pos = begin;
    while (pos < end) {
      std::array<char*, K> p;
      for (int k = 0; k < K; ++k) {
        int64_t off = 0;
        for (int d = 0; d < nd; ++d) off += idx[d] * strides[k][d];
        p[k] = data[k] + off * elsize[k];
      }
      const int64_t count = std::min(inner_n - idx[nd - 1], end - pos);
      inner(p, inner_stride, count);
      pos += count;
      idx[nd - 1] += count;
      for (int d = nd - 1; d > 0 && idx[d] == shape[d]; --d) {
        idx[d] = 0;
        ++idx[d - 1];
      }
    }
  }

  template <class Inner>
  void run_parallel(int64_t grain, Inner&& inner) const {
    parallel_for(numel(), grain, [&](int64_t b, int64_t e) { run(b, e, inner); });
  }
};

// out[i] = f(a[i]); `a` is broadcast to out's shape. out may be strided (in-place ops).
template <class TO, class TA, class F>
void unary_loop(const Tensor& out, const Tensor& a, F f, int64_t grain = kParallelGrain) {
  StridedLoop<2> loop({&out, &a}, out.shape());
  loop.run_parallel(grain, [&](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s,
                               int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TA* x = reinterpret_cast<const TA*>(p[1]);
    if (s[0] == 1 && s[1] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]]);
    }
  });
}

// out[i] = f(a[i], b[i]) with a and b broadcast to out.
template <class TO, class TA, class TB, class F>
void binary_loop(const Tensor& out, const Tensor& a, const Tensor& b, F f,
                 int64_t grain = kParallelGrain) {
  StridedLoop<3> loop({&out, &a, &b}, out.shape());
  loop.run_parallel(grain, [&](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s,
                               int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TA* x = reinterpret_cast<const TA*>(p[1]);
    const TB* y = reinterpret_cast<const TB*>(p[2]);
    if (s[0] != 1) {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
    } else if (s[1] == 1 && s[2] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
    } else if (s[1] == 1 && s[2] == 0) {
      const TB yv = *y;
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
    } else if (s[1] == 0 && s[2] == 1) {
      const TA xv = *x;
      for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i * s[1]], y[i * s[2]]);
    }
  });
}

// out[i] = f(a[i], b[i], c[i]).
template <class TO, class TA, class TB, class TC, class F>
void ternary_loop(const Tensor& out, const Tensor& a, const Tensor& b, const Tensor& c, F f,
                  int64_t grain = kParallelGrain) {
  StridedLoop<4> loop({&out, &a, &b, &c}, out.shape());
  loop.run_parallel(grain, [&](const std::array<char*, 4>& p, const std::array<int64_t, 4>& s,
                               int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TA* x = reinterpret_cast<const TA*>(p[1]);
    const TB* y = reinterpret_cast<const TB*>(p[2]);
    const TC* z = reinterpret_cast<const TC*>(p[3]);
    if (s[0] == 1 && s[1] == 1 && s[2] == 1 && s[3] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i], z[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]], z[i * s[3]]);
    }
  });
}

}  // namespace nabla::detail
