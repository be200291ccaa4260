#include "src/nn/functional/plane_map.h"

#include <algorithm>

#include "nabla/autograd/node.h"
#include "src/tensor/loops.h"

namespace nabla::nn::internal {
namespace {

// An axis's taps with the weights in the tensor's type.
template <class T>
struct Taps {
  explicit Taps(const AxisMap& m)
      : start(m.start().data()), index(m.index().data()), weight(m.weight().begin(), m.weight().end()) {}
  const int64_t* start;
  const int64_t* index;
  std::vector<T> weight;
};

// y [rows.out, cols.out] from one plane x [rows.in, cols.in], through tmp [rows.in, cols.out].
template <class T>
void map_plane(const PlaneMap& m, const Taps<T>& r, const Taps<T>& c, const T* x, T* tmp, T* y) {
  const int64_t width = m.cols.in(), co = m.cols.out();
  for (int64_t a = 0; a < m.rows.in(); ++a) {
    const T* xr = x + a * width;
    T* tr = tmp + a * co;
    for (int64_t j = 0; j < co; ++j) {
      T s = 0;
      for (int64_t t = c.start[j]; t < c.start[j + 1]; ++t) s += c.weight[t] * xr[c.index[t]];
      tr[j] = s;
    }
  }
  // Whole rows at a time: the inner loops run along contiguous memory.
  for (int64_t i = 0; i < m.rows.out(); ++i) {
    T* yr = y + i * co;
    std::fill(yr, yr + co, T(0));
    for (int64_t t = r.start[i]; t < r.start[i + 1]; ++t) {
      const T w = r.weight[t];
      const T* tr = tmp + r.index[t] * co;
      for (int64_t j = 0; j < co; ++j) yr[j] += w * tr[j];
    }
  }
}

// The adjoint: x [rows.in, cols.in] from g [rows.out, cols.out].
template <class T>
void adjoint_plane(const PlaneMap& m, const Taps<T>& r, const Taps<T>& c, const T* g, T* tmp, T* x) {
  const int64_t width = m.cols.in(), co = m.cols.out();
  std::fill(tmp, tmp + m.rows.in() * co, T(0));
  for (int64_t i = 0; i < m.rows.out(); ++i) {
    const T* gr = g + i * co;
    for (int64_t t = r.start[i]; t < r.start[i + 1]; ++t) {
      const T w = r.weight[t];
      T* tr = tmp + r.index[t] * co;
      for (int64_t j = 0; j < co; ++j) tr[j] += w * gr[j];
    }
  }
  for (int64_t a = 0; a < m.rows.in(); ++a) {
    const T* tr = tmp + a * co;
    T* xr = x + a * width;
    std::fill(xr, xr + width, T(0));
    for (int64_t j = 0; j < co; ++j)
      for (int64_t t = c.start[j]; t < c.start[j + 1]; ++t) xr[c.index[t]] += c.weight[t] * tr[j];
  }
}

class PlaneMapBackward final : public autograd::Node {
 public:
  PlaneMapBackward(std::shared_ptr<const PlaneMap> map, bool transposed)
      : map_(std::move(map)), transposed_(transposed) {}
  const char* name() const override { return transposed_ ? "PlaneMapTransposeBackward" : map_->name; }
  autograd::TensorList apply(autograd::TensorList&& grads) override {
    return {apply_plane_map(grads[0], map_, !transposed_)};
  }

 private:
  std::shared_ptr<const PlaneMap> map_;
  bool transposed_;
};

}  // namespace

Tensor apply_plane_map(const Tensor& x, std::shared_ptr<const PlaneMap> map, bool transposed) {
  const PlaneMap& m = *map;
  const int64_t in_rows = transposed ? m.rows.out() : m.rows.in(),
                in_cols = transposed ? m.cols.out() : m.cols.in();
  NABLA_CHECK(x.dim() >= 2 && x.size(-2) == in_rows && x.size(-1) == in_cols, m.name, "expected planes of ",
              in_rows, " x ", in_cols, ", got shape ", x.shape());
  Shape shape = x.shape();
  shape[shape.size() - 2] = transposed ? m.rows.in() : m.rows.out();
  shape[shape.size() - 1] = transposed ? m.cols.in() : m.cols.out();
  Tensor y = detail::empty(shape, x.dtype());
  const int64_t planes = Shape(std::span<const int64_t>(shape.begin(), shape.end() - 2)).numel();
  const int64_t in_size = in_rows * in_cols, out_size = shape[shape.size() - 2] * shape[shape.size() - 1];
  {
    const Tensor xc = x.detach().contiguous();
    dispatch_floating(x.dtype(), m.name, [&](auto v) {
      using T = decltype(v);
      const Taps<T> r(m.rows), c(m.cols);
      const T* px = xc.data_ptr<T>();
      T* py = y.data_ptr<T>();
      const int64_t work = std::max<int64_t>(1, in_size + out_size + m.rows.in() * m.cols.out());
      detail::parallel_for(planes, std::max<int64_t>(1, detail::kParallelGrain / work),
                           [&](int64_t b, int64_t e) {
                             std::vector<T> tmp(static_cast<size_t>(m.rows.in() * m.cols.out()));
                             for (int64_t p = b; p < e; ++p) {
                               if (transposed)
                                 adjoint_plane(m, r, c, px + p * in_size, tmp.data(), py + p * out_size);
                               else
                                 map_plane(m, r, c, px + p * in_size, tmp.data(), py + p * out_size);
                             }
                           });
    });
  }
  if (autograd::any_requires_grad({&x})) {
    auto node = std::make_shared<PlaneMapBackward>(std::move(map), transposed);
    autograd::set_history(node, {&x}, {&y});
  }
  return y;
}

}  // namespace nabla::nn::internal
