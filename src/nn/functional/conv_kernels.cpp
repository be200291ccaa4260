// Convolution as GEMM. im2col lays the input windows of a whole block of samples side by
// side, [c kh kw, samples · oh ow], so that each of the three products is one GEMM per group
// over the block:
//   forward        y_T [o, cols]       = W [o, c kh kw] · col
//   input grad     col                 = Wᵀ · gy_T, then col2im adds each column entry back
//   weight grad    gW [o, c kh kw]     = gy_T · colᵀ
// where gy_T / y_T hold the output with channels outermost ([o, samples · oh ow], a transposing
// copy of NCHW; for one sample it is the tensor itself). Samples are taken in blocks, one per
// thread for a training batch of small images: each thread lays out and multiplies its own
// block with a single-threaded GEMM, which scales with the threads where one GEMM over the
// whole batch, split by the library, did not (its weight gradient reduces over the batch
// dim). Blocks also keep each column buffer under kColumnBudget elements, so memory stays
// bounded for large batches.
#include "src/nn/functional/conv_kernels.h"

#include <algorithm>
#include <cstring>

#include "nabla/tensor/tensor.h"
#include "nabla/tensor/threading.h"
#include "src/nn/functional/window.h"
#include "src/tensor/blas.h"
#include "src/tensor/loops.h"

namespace nabla::nn::internal {
namespace {

constexpr int64_t kColumnBudget = int64_t{1} << 22;

// The output columns whose input column for kernel column q lies inside the input.
Range valid_columns(const ConvGeometry& g, int64_t q) { return inside(g.w, g.ow, g.sw, q * g.dw - g.pw); }

// Runs f(i) for i in [0, tasks), each touching `per_task` elements, on threads when the
// total is large.
template <class F>
void for_tasks(int64_t tasks, int64_t per_task, F f) {
  const int64_t grain = std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(per_task, 1));
  detail::parallel_for(tasks, grain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

// With stride 1 and an output as wide as the input (the usual 'same' convolution), output
// position k of the flattened [oh, ow] plane reads, for kernel position (p, q), the input
// element k + shift of the flattened [h, w] plane. One contiguous run [begin, end) then holds
// every position that reads inside the input; within it, the positions outside [cols.lo,
// cols.hi) of their row wrap around a row edge and read padding instead. Rows of a few
// elements make this much faster than copying row by row.
struct FlatRun {
  bool applies = false;
  int64_t begin = 0, end = 0, shift = 0;
  Range rows{0, 0}, cols{0, 0};
};

FlatRun flat_run(const ConvGeometry& g, int64_t p, int64_t q) {
  if (g.sh != 1 || g.sw != 1 || g.ow != g.w) return {};
  FlatRun run{.applies = true, .cols = valid_columns(g, q)};
  run.rows = inside(g.h, g.oh, 1, p * g.dh - g.ph);
  if (run.rows.lo == run.rows.hi || run.cols.lo == run.cols.hi) return run;
  run.begin = run.rows.lo * g.ow + run.cols.lo;
  run.end = (run.rows.hi - 1) * g.ow + run.cols.hi;
  run.shift = (p * g.dh - g.ph) * g.w + q * g.dw - g.pw;
  return run;
}

// Zeroes, in the rows of the run, the positions that wrap around a row edge.
template <class T>
void zero_wrapped(const ConvGeometry& g, const FlatRun& run, T* plane) {
  for (int64_t i = run.rows.lo; i < run.rows.hi; ++i) {
    T* row = plane + i * g.ow;
    std::fill(row, row + run.cols.lo, T(0));
    std::fill(row + run.cols.hi, row + g.ow, T(0));
  }
}

// col [c kh kw, count · oh ow] from samples x [count, c, h, w].
template <class T>
void im2col(const ConvGeometry& g, const T* x, int64_t count, T* col) {
  const int64_t positions = g.oh * g.ow, cols = count * positions;
  for_tasks(g.c * g.kh * g.kw * count, positions, [&](int64_t task) {
    const int64_t row = task / count, s = task % count;
    const int64_t ci = row / (g.kh * g.kw), p = row / g.kw % g.kh, q = row % g.kw;
    const T* plane = x + (s * g.c + ci) * g.h * g.w;
    T* dst = col + row * cols + s * positions;
    if (const FlatRun run = flat_run(g, p, q); run.applies) {
      std::fill(dst, dst + run.begin, T(0));
      std::copy(plane + run.begin + run.shift, plane + run.end + run.shift, dst + run.begin);
      std::fill(dst + run.end, dst + positions, T(0));
      zero_wrapped(g, run, dst);
      return;
    }
    const auto [lo, hi] = valid_columns(g, q);
    for (int64_t i = 0; i < g.oh; ++i, dst += g.ow) {
      const int64_t ih = i * g.sh - g.ph + p * g.dh;
      if (ih < 0 || ih >= g.h) {
        std::fill(dst, dst + g.ow, T(0));
        continue;
      }
      std::fill(dst, dst + lo, T(0));
      std::fill(dst + hi, dst + g.ow, T(0));
      const T* src = plane + ih * g.w + lo * g.sw - g.pw + q * g.dw;
      if (g.sw == 1) {
        std::copy(src, src + (hi - lo), dst + lo);
      } else {
        for (int64_t j = lo; j < hi; ++j) dst[j] = src[(j - lo) * g.sw];
      }
    }
  });
}

// The adjoint of im2col: x [count, c, h, w] = bias (per channel, or zeros) + every column
// entry added back to the input element it was read from. One task per (sample, channel)
// plane, so no two threads write the same element. The column buffer is scratch: the flat
// runs zero its entries that read padding, so that they add nothing.
template <class T>
void col2im(const ConvGeometry& g, T* col, int64_t count, const T* bias, T* x) {
  const int64_t positions = g.oh * g.ow, cols = count * positions;
  for_tasks(count * g.c, g.h * g.w + g.kh * g.kw * positions, [&](int64_t task) {
    const int64_t s = task / g.c, ci = task % g.c;
    T* plane = x + task * g.h * g.w;
    std::fill(plane, plane + g.h * g.w, bias ? bias[ci] : T(0));
    for (int64_t p = 0; p < g.kh; ++p)
      for (int64_t q = 0; q < g.kw; ++q) {
        T* src = col + ((ci * g.kh + p) * g.kw + q) * cols + s * positions;
        if (const FlatRun run = flat_run(g, p, q); run.applies) {
          zero_wrapped(g, run, src);
          for (int64_t k = run.begin; k < run.end; ++k) plane[k + run.shift] += src[k];
          continue;
        }
        const auto [lo, hi] = valid_columns(g, q);
        for (int64_t i = 0; i < g.oh; ++i, src += g.ow) {
          const int64_t ih = i * g.sh - g.ph + p * g.dh;
          if (ih < 0 || ih >= g.h) continue;
          T* dst = plane + ih * g.w + lo * g.sw - g.pw + q * g.dw;
          if (g.sw == 1) {
            for (int64_t j = lo; j < hi; ++j) dst[j - lo] += src[j];
          } else {
            for (int64_t j = lo; j < hi; ++j) dst[(j - lo) * g.sw] += src[j];
          }
        }
      }
  });
}

// src [count, channels, positions] -> dst [channels, count · positions].
template <class T>
void to_channels_first(const T* src, int64_t count, int64_t channels, int64_t positions, T* dst) {
  const int64_t cols = count * positions;
  for_tasks(count * channels, positions, [&](int64_t task) {
    const int64_t s = task / channels, ch = task % channels;
    std::memcpy(dst + ch * cols + s * positions, src + task * positions, sizeof(T) * positions);
  });
}
// The inverse, adding bias[channel] (when not null) on the way.
template <class T>
void from_channels_first(const T* src, int64_t count, int64_t channels, int64_t positions, const T* bias,
                         T* dst) {
  const int64_t cols = count * positions;
  for_tasks(count * channels, positions, [&](int64_t task) {
    const int64_t s = task / channels, ch = task % channels;
    const T* from = src + ch * cols + s * positions;
    T* to = dst + task * positions;
    const T b = bias ? bias[ch] : T(0);
    for (int64_t l = 0; l < positions; ++l) to[l] = from[l] + b;
  });
}

// The buffers of one block: its columns and room for its output or output gradient with the
// channels first ([o, block · oh ow]).
template <class T>
struct BlockBuffers {
  T* col;
  T* spare;
};

// The walk of one product over the blocks of samples.
template <class T>
class Workspace {
 public:
  explicit Workspace(const ConvGeometry& g)
      : g_(g),
        k_(g.c * g.kh * g.kw),
        positions_(g.oh * g.ow),
        block_(std::clamp<int64_t>(
            std::min(kColumnBudget / std::max<int64_t>(k_ * positions_, 1), ceil_div(g.n, get_num_threads())),
            1, std::max<int64_t>(g.n, 1))) {}

  int64_t positions() const { return positions_; }
  int64_t group_rows() const { return g_.o / g_.groups; }  // output channels per group
  int64_t group_k() const { return k_ / g_.groups; }       // column rows per group
  int64_t blocks() const { return ceil_div(g_.n, block_); }

  // f(block index, first sample, samples, columns, buffers) for each block, on the threads.
  template <class F>
  void for_blocks(F f) const {
    const auto run = [&](int64_t begin, int64_t end) {
      const Tensor col = buffer(k_ * block_ * positions_);
      const Tensor spare = block_ > 1 ? buffer(g_.o * block_ * positions_) : Tensor();
      const BlockBuffers<T> buffers{col.data_ptr<T>(), spare.defined() ? spare.data_ptr<T>() : nullptr};
      for (int64_t b = begin; b < end; ++b) {
        const int64_t n0 = b * block_, count = std::min(block_, g_.n - n0);
        f(b, n0, count, count * positions_, buffers);
      }
    };
    // A single block keeps the threads for its own loops and GEMM.
    if (blocks() == 1) return run(0, 1);
    const int64_t work = k_ * block_ * positions_;
    detail::parallel_for(blocks(), std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(work, 1)),
                         run);
  }

  // The output gradient of `count` samples from `first` with its channels first: the tensor
  // itself for one sample, else a transposed copy in the block's spare buffer.
  const T* channels_first(const T* gy, int64_t first, int64_t count, const BlockBuffers<T>& buffers) const {
    const T* block = gy + first * g_.o * positions_;
    if (count == 1) return block;
    to_channels_first(block, count, g_.o, positions_, buffers.spare);
    return buffers.spare;
  }

  static Tensor buffer(int64_t elements) { return detail::empty({elements}, dtype_of<T>()); }

 private:
  const ConvGeometry& g_;
  int64_t k_, positions_, block_;
};

}  // namespace

template <class T>
void conv_forward(const ConvGeometry& g, const T* x, const T* weight, const T* bias, T* y) {
  const Workspace<T> ws(g);
  const int64_t og = ws.group_rows(), kg = ws.group_k();
  ws.for_blocks([&](int64_t, int64_t n0, int64_t count, int64_t cols, const BlockBuffers<T>& buffers) {
    T* y_block = y + n0 * g.o * ws.positions();
    // One sample's output already has its channels first: the GEMM writes it in place.
    T* out = count == 1 ? y_block : buffers.spare;
    im2col(g, x + n0 * g.c * g.h * g.w, count, buffers.col);
    for (int64_t k = 0; k < g.groups; ++k)
      detail::gemm(false, false, og, cols, kg, T(1), weight + k * og * kg, kg, buffers.col + k * kg * cols,
                   cols, T(0), out + k * og * cols, cols);
    if (count > 1 || bias) from_channels_first(out, count, g.o, ws.positions(), bias, y_block);
  });
}

template <class T>
void conv_input_grad(const ConvGeometry& g, const T* gy, const T* weight, const T* bias, T* gx) {
  const Workspace<T> ws(g);
  const int64_t og = ws.group_rows(), kg = ws.group_k();
  ws.for_blocks([&](int64_t, int64_t n0, int64_t count, int64_t cols, const BlockBuffers<T>& buffers) {
    const T* gy_t = ws.channels_first(gy, n0, count, buffers);
    for (int64_t k = 0; k < g.groups; ++k)
      detail::gemm(true, false, kg, cols, og, T(1), weight + k * og * kg, kg, gy_t + k * og * cols, cols,
                   T(0), buffers.col + k * kg * cols, cols);
    col2im(g, buffers.col, count, bias, gx + n0 * g.c * g.h * g.w);
  });
}

template <class T>
void conv_weight_grad(const ConvGeometry& g, const T* x, const T* gy, T* gw) {
  const Workspace<T> ws(g);
  const int64_t og = ws.group_rows(), kg = ws.group_k(), size = g.o * kg;
  if (g.n == 0) std::fill(gw, gw + size, T(0));
  // Each block's gradient goes to a slice of its own, summed in block order afterwards, so
  // that a given number of threads always gives the same sums.
  const int64_t blocks = ws.blocks();
  const Tensor partials = blocks > 1 ? Workspace<T>::buffer(blocks * size) : Tensor();
  ws.for_blocks([&](int64_t b, int64_t n0, int64_t count, int64_t cols, const BlockBuffers<T>& buffers) {
    const T* gy_t = ws.channels_first(gy, n0, count, buffers);
    im2col(g, x + n0 * g.c * g.h * g.w, count, buffers.col);
    T* out = blocks > 1 ? partials.data_ptr<T>() + b * size : gw;
    for (int64_t k = 0; k < g.groups; ++k)
      detail::gemm(false, true, og, kg, cols, T(1), gy_t + k * og * cols, cols, buffers.col + k * kg * cols,
                   cols, T(0), out + k * og * kg, kg);
  });
  if (blocks > 1) {
    const T* p = partials.data_ptr<T>();
    std::copy(p, p + size, gw);
    for (int64_t b = 1; b < blocks; ++b)
      for (int64_t i = 0; i < size; ++i) gw[i] += p[b * size + i];
  }
}

template <class T>
void bias_grad(int64_t n, int64_t channels, int64_t positions, const T* gy, T* gb) {
  for_tasks(channels, n * positions, [&](int64_t ch) {
    double total = 0;
    for (int64_t s = 0; s < n; ++s) {
      const T* row = gy + (s * channels + ch) * positions;
      // A vectorised reduction (partial sums in lanes) instead of one chain of dependent adds.
#pragma omp simd reduction(+ : total)
      for (int64_t l = 0; l < positions; ++l) total += row[l];
    }
    gb[ch] = static_cast<T>(total);
  });
}

#define NABLA_CONV_KERNELS(T)                                                              \
  template void conv_forward<T>(const ConvGeometry&, const T*, const T*, const T*, T*);    \
  template void conv_input_grad<T>(const ConvGeometry&, const T*, const T*, const T*, T*); \
  template void conv_weight_grad<T>(const ConvGeometry&, const T*, const T*, T*);          \
  template void bias_grad<T>(int64_t, int64_t, int64_t, const T*, T*);
NABLA_CONV_KERNELS(float)
NABLA_CONV_KERNELS(double)
#undef NABLA_CONV_KERNELS

}  // namespace nabla::nn::internal
