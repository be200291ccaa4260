#include "nabla/tensor/factory.h"

#include <cmath>
#include <cstring>

#include "src/tensor/loops.h"

namespace nabla {
namespace {

Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad) t.requires_grad_(true);
  return t;
}

template <class V>
Tensor from_values(const V& values, const Shape& shape, DType dtype, const char* op) {
  NABLA_CHECK(static_cast<int64_t>(values.size()) == shape.numel(), op, "got ", values.size(),
              " values for shape ", shape, " (", shape.numel(), " elements)");
  Tensor t = detail::empty(shape, dtype);
  dispatch(dtype, [&](auto v) {
    using T = decltype(v);
    T* p = static_cast<T*>(t.raw_data());
    size_t i = 0;
    for (auto x : values) p[i++] = static_cast<T>(x);
  });
  return t;
}

}  // namespace

Tensor empty(const Shape& shape, TensorOptions o) { return finish(detail::empty(shape, o.dtype), o); }

Tensor full(const Shape& shape, double value, TensorOptions o) {
  Tensor t = detail::empty(shape, o.dtype);
  t.fill_(value);
  return finish(t, o);
}
Tensor zeros(const Shape& shape, TensorOptions o) {
  Tensor t = detail::empty(shape, o.dtype);
  std::memset(t.raw_data(), 0, static_cast<size_t>(t.numel()) * t.element_size());
  return finish(t, o);
}
Tensor ones(const Shape& shape, TensorOptions o) { return full(shape, 1, o); }
Tensor scalar_tensor(double value, TensorOptions o) { return full(Shape{}, value, o); }

Tensor arange(double end, TensorOptions o) { return arange(0, end, 1, o); }

Tensor arange(double start, double end, double step, TensorOptions o) {
  NABLA_CHECK(step != 0, "arange", "step must be nonzero");
  NABLA_CHECK(std::isfinite(start) && std::isfinite(end), "arange", "bounds must be finite, got ", start,
              " and ", end);
  NABLA_CHECK((end - start) * step >= 0, "arange", "upper bound ", end, " and step ", step,
              " are inconsistent with start ", start);
  const auto n = static_cast<int64_t>(std::ceil((end - start) / step));
  Tensor t = detail::empty({n}, o.dtype);
  dispatch(o.dtype, [&](auto v) {
    using T = decltype(v);
    T* p = static_cast<T*>(t.raw_data());
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return finish(t, o);
}

Tensor linspace(double start, double end, int64_t steps, TensorOptions o) {
  NABLA_CHECK(steps >= 0, "linspace", "number of steps must be non-negative, got ", steps);
  Tensor t = detail::empty({steps}, o.dtype);
  const double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0;
  dispatch(o.dtype, [&](auto v) {
    using T = decltype(v);
    T* p = static_cast<T*>(t.raw_data());
    // Like PyTorch, the second half counts back from `end` so both ends are exact.
    const int64_t half = steps / 2;
    for (int64_t i = 0; i < steps; ++i)
      p[i] = static_cast<T>(i < half ? start + step * static_cast<double>(i)
                                     : end - step * static_cast<double>(steps - 1 - i));
  });
  return finish(t, o);
}

Tensor eye(int64_t n, int64_t m, TensorOptions o) {
  if (m < 0) m = n;
  NABLA_CHECK(n >= 0, "eye", "n must be non-negative, got ", n);
  Tensor t = zeros({n, m}, {.dtype = o.dtype});
  dispatch(o.dtype, [&](auto v) {
    using T = decltype(v);
    T* p = static_cast<T*>(t.raw_data());
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
  });
  return finish(t, o);
}

Tensor empty_like(const Tensor& t) { return detail::empty(t.shape(), t.dtype()); }
Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), {.dtype = t.dtype()}); }
Tensor ones_like(const Tensor& t) { return ones(t.shape(), {.dtype = t.dtype()}); }
Tensor full_like(const Tensor& t, double value) { return full(t.shape(), value, {.dtype = t.dtype()}); }

Tensor tensor(std::initializer_list<double> values, TensorOptions o) {
  return finish(from_values(values, {static_cast<int64_t>(values.size())}, o.dtype, "tensor"), o);
}

Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, TensorOptions o) {
  const auto n = static_cast<int64_t>(rows.size());
  const int64_t m = n ? static_cast<int64_t>(rows.begin()->size()) : 0;
  std::vector<double> flat;
  flat.reserve(static_cast<size_t>(n * m));
  for (const auto& r : rows) {
    NABLA_CHECK(static_cast<int64_t>(r.size()) == m, "tensor", "rows have different lengths (", m,
                " and ", r.size(), ")");
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return finish(from_values(flat, {n, m}, o.dtype, "tensor"), o);
}

Tensor from_vector(const std::vector<float>& v, const Shape& s) {
  return from_values(v, s, kFloat32, "from_vector");
}
Tensor from_vector(const std::vector<double>& v, const Shape& s) {
  return from_values(v, s, kFloat64, "from_vector");
}
Tensor from_vector(const std::vector<int64_t>& v, const Shape& s) {
  return from_values(v, s, kInt64, "from_vector");
}

}  // namespace nabla
