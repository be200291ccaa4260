// Max pooling is its own op: one pass over each plane keeps the running maximum of a whole
// output row, so the inner loop runs along the row (contiguous for stride 1), and the
// backward pass adds each gradient at its saved index. The average poolings are linear maps
// of the planes that act on rows and columns separately (plane_map.h).
#include "nabla/nn/functional/pooling.h"

#include <array>
#include <limits>
#include <memory>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/indexing.h"
#include "src/autograd/op_node.h"
#include "src/nn/functional/plane_map.h"
#include "src/nn/functional/window.h"
#include "src/nn/repr.h"
#include "src/tensor/loops.h"

namespace nabla::nn {
namespace {

using autograd::OpNode;
using autograd::TensorList;
using internal::AxisMap;
using internal::PlaneMap;
using internal::Window;

void check_input(const char* op, const Tensor& input, int dims) {
  NABLA_CHECK(input.defined(), op, "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), op, "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(input.dim() == dims + 1 || input.dim() == dims + 2, op, "expected ", dims + 1,
              "D (unbatched) or ", dims + 2, "D (batched) input, got input of shape ", input.shape());
}

// torch's pooling_output_shape.
int64_t pooled_size(const Window& w, bool ceil_mode) {
  const int64_t span = w.in + 2 * w.p - w.d * (w.k - 1) - 1 + (ceil_mode ? w.s - 1 : 0);
  int64_t out = (span >= 0 ? span / w.s : -internal::ceil_div(-span, w.s)) + 1;
  // The last window must start inside the input or its left padding.
  if (ceil_mode && (out - 1) * w.s >= w.in + w.p) --out;
  return out;
}

// The windows over the last D dims of the input, checked.
template <int D>
std::array<Window, D> pool_windows(const char* op, const Tensor& input, const ExpandingArray<D>& kernel,
                                   const OptionalExpandingArray<D>& stride, const ExpandingArray<D>& padding,
                                   const ExpandingArray<D>& dilation, bool ceil_mode) {
  check_input(op, input, D);
  const ExpandingArray<D> steps = stride.value_or(kernel);
  internal::check_at_least(op, "kernel_size", kernel, 1);
  internal::check_at_least(op, "stride", steps, 1);
  internal::check_at_least(op, "padding", padding, 0);
  internal::check_at_least(op, "dilation", dilation, 1);
  std::array<Window, D> windows;
  Shape out_sizes = Shape::filled(D, 0);
  bool fits = true;
  for (int i = 0; i < D; ++i) {
    NABLA_CHECK(padding[i] <= kernel[i] / 2, op,
                "pad should be at most half of kernel size, but got padding ", internal::py_sizes(padding),
                " and kernel_size ", internal::py_sizes(kernel));
    Window& w = windows[i];
    w = {input.size(input.dim() - D + i), kernel[i], steps[i], padding[i], dilation[i], 0};
    w.out = pooled_size(w, ceil_mode);
    out_sizes[i] = w.out;
    fits = fits && w.out >= 1;
  }
  NABLA_CHECK(fits, op, "given input of shape ", input.shape(), ", the calculated output size ", out_sizes,
              " is too small (kernel_size ", internal::py_sizes(kernel), ", padding ",
              internal::py_sizes(padding), ", dilation ", internal::py_sizes(dilation), ")");
  return windows;
}

// PyTorch's rule: a candidate replaces the running maximum when larger or NaN. (A bitwise or:
// a short-circuit is a branch, which stops GCC vectorising the loops that call this.)
template <class T>
bool take(T candidate, T current) {
  return (candidate > current) | (candidate != candidate);
}

// One plane: the maximum of each window of x [r.in, c.in] into y [r.out, c.out], and its
// position h c.in + w into at. Each window starts from its first position inside the input,
// at -inf, and a later position replaces the maximum when larger or NaN (PyTorch's rule: the
// first of equal values wins). The loops run along whole output rows, with the column stride S
// a constant for the usual strides 1 and 2 (0: c.s at run time), so that GCC vectorises them.
template <int S, class T>
void max_pool_plane(const Window& r, const Window& c, const T* x, T* y, int64_t* at) {
  const int64_t s = S ? S : c.s;
  for (int64_t i = 0; i < r.out; ++i) {
    T* m = y + i * c.out;
    int64_t* a = at + i * c.out;
    std::fill(m, m + c.out, -std::numeric_limits<T>::infinity());
    int64_t first_row = -1;
    for (int64_t p = 0; p < r.k && first_row < 0; ++p) {
      const int64_t ih = i * r.s - r.p + p * r.d;
      if (ih >= 0 && ih < r.in) first_row = ih;
    }
    for (int64_t j = 0; j < c.out; ++j) {
      a[j] = -1;
      for (int64_t q = 0; q < c.k && first_row >= 0 && a[j] < 0; ++q) {
        const int64_t iw = j * s - c.p + q * c.d;
        if (iw >= 0 && iw < c.in) a[j] = first_row * c.in + iw;
      }
    }
    for (int64_t p = 0; p < r.k; ++p) {
      const int64_t ih = i * r.s - r.p + p * r.d;
      if (ih < 0 || ih >= r.in) continue;
      for (int64_t q = 0; q < c.k; ++q) {
        const int64_t shift = q * c.d - c.p;
        const auto [lo, hi] = internal::inside(c.in, c.out, s, shift);
        const T* row = x + ih * c.in + shift;
        const int64_t base = ih * c.in + shift;
        // Selects rather than a branch: on real data the larger value is a coin toss, and a
        // mispredicted branch per element cost more than the rest of the pooling.
        for (int64_t j = lo; j < hi; ++j) {
          const T v = row[j * s];
          const bool t = take(v, m[j]);
          m[j] = t ? v : m[j];
          a[j] = t ? base + j * s : a[j];
        }
      }
    }
  }
}

// The common 2 x 2 window with stride 2 over an even-width plane, in two flat passes that
// vectorise: each horizontal pair of a row into (max, 0 or 1), then the pairs of those rows.
// Same result as the scan above: taking the lower pair only when its maximum is larger or NaN
// keeps the first of equal values and the last NaN.
template <class T>
void max_pool_plane_2x2(const Window& r, const Window& c, const T* x, T* y, int64_t* at, T* pairs,
                        uint8_t* right) {
  // Copies: stores through `at` could otherwise alias the windows' int64 fields.
  const int64_t rows = r.out, cols = c.out, width = c.in;
  for (int64_t k = 0; k < 2 * rows * cols; ++k) {  // the pairs of the rows the windows cover
    const T a = x[2 * k], b = x[2 * k + 1];
    const bool t = take(b, a);
    pairs[k] = t ? b : a;
    right[k] = t;
  }
  for (int64_t i = 0; i < rows; ++i) {
    const T* top = pairs + 2 * i * cols;
    const T* bottom = top + cols;
    const uint8_t* top_right = right + 2 * i * cols;
    const uint8_t* bottom_right = top_right + cols;
    T* m = y + i * cols;
    int64_t* a = at + i * cols;
    const int64_t row = 2 * i * width;
    for (int64_t j = 0; j < cols; ++j) {
      const T upper = top[j], lower = bottom[j];
      const int64_t upper_at = top_right[j], lower_at = width + bottom_right[j];
      const bool t = take(lower, upper);
      m[j] = t ? lower : upper;
      a[j] = row + 2 * j + upper_at + int64_t{t} * (lower_at - upper_at);
    }
  }
}

bool is_2x2_stride_2(const Window& r, const Window& c) {
  const auto plain = [](const Window& w) { return w.k == 2 && w.s == 2 && w.p == 0 && w.d == 1; };
  return plain(r) && plain(c) && c.in == 2 * c.out && r.in >= 2 * r.out;
}

// Saved: 0 the indices; arg[0]: elements per input plane, arg[1]: planes.
TensorList max_pool_rule(OpNode& n, const Tensor& g) {
  const Tensor at = n.saved(0);
  const Shape& shape = n.input_shape(0);
  const int64_t in_size = n.arg[0], planes = n.arg[1];
  const int64_t per_plane = at.numel() / std::max<int64_t>(planes, 1);
  if (GradMode::is_enabled()) {
    const Tensor base = zeros({planes, in_size}, {.dtype = g.dtype()});
    return {
        scatter_add(base, 1, at.reshape({planes, per_plane}), g.reshape({planes, per_plane})).reshape(shape)};
  }
  const Tensor gc = g.contiguous();
  Tensor gx = detail::empty(shape, g.dtype());
  dispatch_floating(g.dtype(), "max_pool", [&](auto v) {
    using T = decltype(v);
    const T* pg = gc.data_ptr<T>();
    const int64_t* pa = at.data_ptr<int64_t>();
    T* px = gx.data_ptr<T>();
    detail::parallel_for(planes, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(in_size, 1)),
                         [&](int64_t b, int64_t e) {
                           for (int64_t p = b; p < e; ++p) {
                             T* plane = px + p * in_size;
                             std::fill(plane, plane + in_size, T(0));
                             for (int64_t j = p * per_plane; j < (p + 1) * per_plane; ++j)
                               if (pa[j] >= 0) plane[pa[j]] += pg[j];
                           }
                         });
  });
  return {gx};
}

template <int D>
std::pair<Tensor, Tensor> max_pool(const char* op, const Tensor& input, const MaxPoolOptions<D>& o) {
  const std::array<Window, D> w =
      pool_windows<D>(op, input, o.kernel_size, o.stride, o.padding, o.dilation, o.ceil_mode);
  const Window& rows = D == 1 ? internal::kFlatWindow : w[0];
  const Window& cols = w[D - 1];
  Shape shape = input.shape();
  for (int i = 0; i < D; ++i) shape[shape.size() - D + i] = w[i].out;
  Tensor y = detail::empty(shape, input.dtype());
  Tensor at = detail::empty(shape, kInt64);
  const int64_t in_size = rows.in * cols.in, out_size = rows.out * cols.out;
  const int64_t planes = shape.numel() / out_size;
  {
    const Tensor x = input.detach().contiguous();
    dispatch_floating(input.dtype(), op, [&](auto v) {
      using T = decltype(v);
      const T* px = x.data_ptr<T>();
      T* py = y.data_ptr<T>();
      int64_t* pa = at.data_ptr<int64_t>();
      const int64_t work = std::max<int64_t>(1, out_size * rows.k * cols.k);
      const bool two_by_two = is_2x2_stride_2(rows, cols);
      detail::parallel_for(planes, std::max<int64_t>(1, detail::kParallelGrain / work),
                           [&](int64_t b, int64_t e) {
                             if (two_by_two) {
                               std::vector<T> pairs(2 * out_size);
                               std::vector<uint8_t> right(2 * out_size);
                               for (int64_t p = b; p < e; ++p)
                                 max_pool_plane_2x2(rows, cols, px + p * in_size, py + p * out_size,
                                                    pa + p * out_size, pairs.data(), right.data());
                               return;
                             }
                             const auto plane = cols.s == 1   ? max_pool_plane<1, T>
                                                : cols.s == 2 ? max_pool_plane<2, T>
                                                              : max_pool_plane<0, T>;
                             for (int64_t p = b; p < e; ++p)
                               plane(rows, cols, px + p * in_size, py + p * out_size, pa + p * out_size);
                           });
    });
  }
  if (auto n = autograd::record(D == 1 ? "MaxPool1DWithIndicesBackward" : "MaxPool2DWithIndicesBackward",
                                max_pool_rule, {&input}, y)) {
    n->save(0, at);
    n->arg[0] = in_size;
    n->arg[1] = planes;
  }
  return {y, at};
}

// The average pooling of one axis: each output's window, clipped to the input, with weight
// 1 / (the window's size within the padded input, or its number of input elements), or
// `weight` when given.
AxisMap average_axis(const Window& w, bool count_include_pad, std::optional<double> weight) {
  AxisMap m(w.in);
  for (int64_t i = 0; i < w.out; ++i) {
    const int64_t start = i * w.s - w.p, end = std::min(start + w.k, w.in + w.p);
    const int64_t lo = std::max<int64_t>(start, 0), hi = std::min(end, w.in);
    for (int64_t a = lo; a < hi; ++a)
      m.add(a, weight ? *weight : 1.0 / static_cast<double>(count_include_pad ? end - start : hi - lo));
    m.finish_output();
  }
  return m;
}

// adaptive_avg_pool's windows: floor(i in / out) .. ceil((i + 1) in / out).
AxisMap adaptive_axis(int64_t in, int64_t out) {
  AxisMap m(in);
  for (int64_t i = 0; i < out; ++i) {
    const int64_t lo = i * in / out, hi = ((i + 1) * in + out - 1) / out;
    for (int64_t a = lo; a < hi; ++a) m.add(a, 1.0 / static_cast<double>(hi - lo));
    m.finish_output();
  }
  return m;
}

}  // namespace

namespace functional {

std::pair<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dOptions& options) {
  return max_pool<1>("max_pool1d", input, options);
}

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dOptions& options) {
  return max_pool<2>("max_pool2d", input, options);
}

Tensor max_pool1d(const Tensor& input, const MaxPool1dOptions& options) {
  return max_pool1d_with_indices(input, options).first;
}

Tensor max_pool2d(const Tensor& input, const MaxPool2dOptions& options) {
  return max_pool2d_with_indices(input, options).first;
}

Tensor avg_pool2d(const Tensor& input, const AvgPool2dOptions& o) {
  const char* op = "avg_pool2d";
  const std::array<Window, 2> w =
      pool_windows<2>(op, input, o.kernel_size, o.stride, o.padding, 1, o.ceil_mode);
  std::optional<double> row_weight, col_weight;
  if (o.divisor_override) {
    NABLA_CHECK(*o.divisor_override != 0, op, "divisor must be not zero");
    row_weight = 1.0 / static_cast<double>(*o.divisor_override);
    col_weight = 1.0;
  }
  auto map = std::make_shared<const PlaneMap>(PlaneMap{average_axis(w[0], o.count_include_pad, row_weight),
                                                       average_axis(w[1], o.count_include_pad, col_weight),
                                                       "AvgPool2DBackward"});
  return internal::apply_plane_map(input, std::move(map));
}

Tensor adaptive_avg_pool2d(const Tensor& input, ExpandingArray<2> output_size) {
  const char* op = "adaptive_avg_pool2d";
  check_input(op, input, 2);
  internal::check_at_least(op, "output_size", output_size, 1);
  const int64_t h = input.size(-2), w = input.size(-1);
  NABLA_CHECK(h > 0 && w > 0, op, "expected input to have non-zero size for non-batch dimensions, got ",
              input.shape());
  auto map = std::make_shared<const PlaneMap>(PlaneMap{
      adaptive_axis(h, output_size[0]), adaptive_axis(w, output_size[1]), "AdaptiveAvgPool2DBackward"});
  return internal::apply_plane_map(input, std::move(map));
}

}  // namespace functional
}  // namespace nabla::nn
