// Index-based selection and scattering: index_select, gather, scatter, scatter_add,
// masked_fill, one_hot, embedding. Kernels validate every index before using it: they
// must never touch memory outside their tensors.
#include "nabla/tensor/indexing.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/inplace.h"
#include "src/tensor/loops.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;

void check_index_dtype(const Tensor& index, const char* op) {
  NABLA_CHECK(index.defined(), op, "undefined index tensor");
  NABLA_CHECK(index.dtype() == kInt64, op, "expected an int64 index tensor, got ", index.dtype());
}

// Index validation. gather and scatter fuse it into their kernels, as their index is as
// large as the work and a pass of its own would cost about as much as the kernel; since
// nothing may throw inside a parallel region, kernels skip and flag any index outside
// [0, size), and check() then throws naming it.
class IndexBound {
 public:
  explicit IndexBound(int64_t size) : size_(size) {}
  // As unsigned, a negative index is huge: one comparison covers both ends.
  bool ok(int64_t v) {
    if (static_cast<uint64_t>(v) < static_cast<uint64_t>(size_)) [[likely]]
      return true;
    bad_.store(true, std::memory_order_relaxed);
    return false;
  }
  void check(const Tensor& index, int dim, const char* op) const {
    if (!bad_.load()) return;
    const std::vector<int64_t> v = index.to_vector<int64_t>();
    const auto it = std::find_if(v.begin(), v.end(), [this](int64_t i) { return i < 0 || i >= size_; });
    detail::fail(op, "index ", *it, " is out of bounds for dimension ", dim, " with size ", size_);
  }

 private:
  int64_t size_;
  std::atomic<bool> bad_{false};
};

// A C++ number stored into a tensor of type T: int64 cannot hold non-finite or huge values.
template <class T>
T cast_value(double v, const char* op) {
  if constexpr (std::is_same_v<T, int64_t>)
    NABLA_CHECK(std::isfinite(v) && v >= -0x1p63 && v < 0x1p63, op, "value ", v,
                " cannot be converted to int64 without overflow");
  return static_cast<T>(v);
}

// The kernels address one coordinate per dim; a 0-d tensor takes part as its 1-element 1-d view.
Tensor at_least_1d(const Tensor& t) {
  return t.dim() ? t : detail::make_view(t, {1}, {1}, t.storage_offset());
}

int64_t size_or_1(const Tensor& t, int d) { return t.dim() ? t.size(d) : 1; }

// PyTorch's rule for gather and scatter: index has self's number of dims (0-d counting as
// 1-d) and fits inside `self` in every dim but `dim`, and inside src (if any) in every dim.
void check_scatter_shapes(const Tensor& self, int dim, const Tensor& index, const Tensor* src,
                          const char* op) {
  const int nd = std::max(self.dim(), 1);
  NABLA_CHECK(std::max(index.dim(), 1) == nd, op, "index of shape ", index.shape(),
              " must have as many dimensions as the input of shape ", self.shape());
  if (src)
    NABLA_CHECK(std::max(src->dim(), 1) == nd, op, "index of shape ", index.shape(),
                " must have as many dimensions as src of shape ", src->shape());
  if (index.numel() == 0) return;
  for (int d = 0; d < nd; ++d) {
    NABLA_CHECK(d == dim || size_or_1(index, d) <= size_or_1(self, d), op, "index of shape ", index.shape(),
                " is larger than the input of shape ", self.shape(), " in dimension ", d, " (only dimension ",
                dim, " may differ)");
    if (src)
      NABLA_CHECK(size_or_1(index, d) <= size_or_1(*src, d), op, "index of shape ", index.shape(),
                  " is larger than src of shape ", src->shape(), " in dimension ", d);
  }
}

// out[p] = x[p with coordinate dim replaced by index[p]]; out has index's shape.
template <class T>
void gather_kernel(const Tensor& out, const Tensor& x, int dim, const Tensor& index, IndexBound& bound) {
  const Tensor o = at_least_1d(out), xi = at_least_1d(x), ix = at_least_1d(index);
  // x seen through index's geometry with dim's stride zeroed: the kernel adds index * step.
  Shape strides = xi.strides();
  strides[dim] = 0;
  const Tensor xv = detail::make_view(xi, o.shape(), strides, xi.storage_offset());
  const int64_t step = xi.stride(dim);
  detail::StridedLoop<3> loop({&o, &ix, &xv}, o.shape());
  loop.run_parallel(detail::kParallelGrain,
                    [&](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
                      T* op = reinterpret_cast<T*>(p[0]);
                      const int64_t* ip = reinterpret_cast<const int64_t*>(p[1]);
                      const T* xp = reinterpret_cast<const T*>(p[2]);
                      for (int64_t i = 0; i < n; ++i) {
                        const int64_t v = ip[i * s[1]];
                        if (bound.ok(v)) op[i * s[0]] = xp[i * s[2] + v * step];
                      }
                    });
}

// out[p with coordinate dim replaced by index[p]] = (or +=) src[p], over index's extent.
// Distinct positions along dim may hit the same element, so threads split the other
// ("outer") coordinates, each owning disjoint elements of out, and walk all of dim.
// Whichever of dim and the outer coordinates steps through memory in smaller strides
// is walked innermost; the outer positions are then taken in cache-sized blocks.
template <class T>
void scatter_kernel(const Tensor& out, int dim, const Tensor& index, const Tensor& src, bool add,
                    IndexBound& bound) {
  const Tensor o = at_least_1d(out), ix = at_least_1d(index), sv = at_least_1d(src);
  Shape outer = ix.shape();
  const int64_t len = outer[dim];
  outer[dim] = 1;
  const Tensor ov = detail::make_view(o, outer, o.strides(), o.storage_offset());
  const Tensor iv = detail::make_view(ix, outer, ix.strides(), ix.storage_offset());
  const Tensor svv = detail::make_view(sv, outer, sv.strides(), sv.storage_offset());
  const int64_t os = o.stride(dim), is = ix.stride(dim), ss = sv.stride(dim);
  const detail::StridedLoop<3> loop({&ov, &iv, &svv}, outer);
  // out[... at index v along dim ...] (+)= value, where `row` is out with dim's coordinate 0.
  auto put = [&](T* row, int64_t v, T value) {
    if (!bound.ok(v)) return;
    T& dst = row[v * os];
    dst = add ? static_cast<T>(dst + value) : value;
  };
  using Ptrs = std::array<char*, 3>;
  using Steps = std::array<int64_t, 3>;
  const int64_t grain = std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(len, 1));
  const int64_t outer_stride = loop.strides[1][loop.shape.size() - 1];
  if (loop.numel() == 1 || std::abs(is) <= std::abs(outer_stride)) {
    loop.run_parallel(grain, [&](const Ptrs& p, const Steps& s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        T* op = reinterpret_cast<T*>(p[0]) + i * s[0];
        const int64_t* ip = reinterpret_cast<const int64_t*>(p[1]) + i * s[1];
        const T* sp = reinterpret_cast<const T*>(p[2]) + i * s[2];
        for (int64_t k = 0; k < len; ++k) put(op, ip[k * is], sp[k * ss]);
      }
    });
    return;
  }
  constexpr int64_t kBlock = 1024;
  detail::parallel_for(loop.numel(), grain, [&](int64_t b, int64_t e) {
    for (int64_t bb = b; bb < e; bb += kBlock) {
      for (int64_t k = 0; k < len; ++k) {
        loop.run(bb, std::min(e, bb + kBlock), [&](const Ptrs& p, const Steps& s, int64_t n) {
          T* op = reinterpret_cast<T*>(p[0]);
          const int64_t* ip = reinterpret_cast<const int64_t*>(p[1]) + k * is;
          const T* sp = reinterpret_cast<const T*>(p[2]) + k * ss;
          for (int64_t i = 0; i < n; ++i) put(op + i * s[0], ip[i * s[1]], sp[i * s[2]]);
        });
      }
    }
  });
}

// A contiguous tensor as [outer, size(dim), inner] around dim.
struct Around {
  int64_t outer = 1, mid = 1, inner = 1;
  Around(const Shape& shape, int dim) {
    for (int d = 0; d < shape.size(); ++d) (d < dim ? outer : d == dim ? mid : inner) *= shape[d];
  }
};

// out[o, j, :] = x[o, index[j], :] for contiguous x and out, with index a contiguous vector.
template <class T>
void index_select_kernel(T* out, const T* x, const int64_t* index, int64_t n, const Around& a) {
  const int64_t grain = std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(a.inner, 1));
  detail::parallel_for(a.outer * n, grain, [&](int64_t b, int64_t e) {
    // Output rows r = o * n + j, taken one o at a time.
    for (int64_t r = b; r < e;) {
      const int64_t o = r / n, j0 = r % n, j1 = std::min(n, j0 + (e - r));
      const T* xo = x + o * a.mid * a.inner;
      T* dst = out + r * a.inner;
      if (a.inner == 1) {
        for (int64_t j = j0; j < j1; ++j) dst[j - j0] = xo[index[j]];
      } else {
        for (int64_t j = j0; j < j1; ++j, dst += a.inner) std::copy_n(xo + index[j] * a.inner, a.inner, dst);
      }
      r += j1 - j0;
    }
  });
}

// out[o, index[j], :] += g[o, j, :]. Each thread owns a range of (o, inner column) pairs
// and walks all j, so repeated indices never race.
template <class T>
void index_add_kernel(T* out, const T* g, const int64_t* index, int64_t n, const Around& a) {
  const int64_t grain = std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(n, 1));
  detail::parallel_for(a.outer * a.inner, grain, [&](int64_t b, int64_t e) {
    for (int64_t o = b / a.inner; o * a.inner < e; ++o) {
      const int64_t c0 = std::max(b, o * a.inner) - o * a.inner;
      const int64_t c1 = std::min(e, (o + 1) * a.inner) - o * a.inner;
      for (int64_t j = 0; j < n; ++j) {
        T* dst = out + (o * a.mid + index[j]) * a.inner;
        const T* src = g + (o * n + j) * a.inner;
        for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
      }
    }
  });
}

// Slices of x picked along dim by a contiguous index vector, written to `out` (contiguous,
// with out.numel() == outer * index.numel() * inner).
void select_rows(const Tensor& out, const Tensor& x, int dim, const Tensor& index, const char* op) {
  // The index is reused for every outer slice, so it is small next to the output and is
  // checked up front, keeping the copy loops tight.
  IndexBound bound(size_or_1(x, dim));
  const int64_t* ip = index.data_ptr<int64_t>();
  for (int64_t j = 0; j < index.numel(); ++j) bound.ok(ip[j]);
  bound.check(index, dim, op);
  const Tensor xc = x.detach().contiguous();
  dispatch(x.dtype(), [&](auto v) {
    using T = decltype(v);
    index_select_kernel(out.data_ptr<T>(), xc.data_ptr<T>(), ip, index.numel(), Around(xc.shape(), dim));
  });
}

// t padded with zeros at the end of each dim up to `shape` (differentiable).
Tensor pad_to(Tensor t, const Shape& shape) {
  for (int d = 0; d < t.dim(); ++d) {
    if (t.size(d) == shape[d]) continue;
    Shape rest = t.shape();
    rest[d] = shape[d] - t.size(d);
    t = cat({t, zeros(rest, {.dtype = t.dtype()})}, d);
  }
  return t;
}

// ---- derivative rules ----

Tensor index_add_zeros(const Tensor& g, const Shape& shape, int dim, const Tensor& index);

TensorList index_select_rule(OpNode& n, const Tensor& g) {
  return {index_add_zeros(g, n.input_shape(0), static_cast<int>(n.arg[0]), n.saved(0))};
}
TensorList index_add_zeros_rule(OpNode& n, const Tensor& g) {
  return {index_select(g, n.arg[0], n.saved(0))};
}
TensorList embedding_rule(OpNode& n, const Tensor& g) {
  const Shape& w = n.input_shape(0);
  const Tensor index = n.saved(0);
  return {index_add_zeros(reshape(g, {index.numel(), w[1]}), w, 0, index)};
}
TensorList gather_rule(OpNode& n, const Tensor& g) {
  return {scatter_add(zeros(n.input_shape(0), {.dtype = g.dtype()}), n.arg[0], n.saved(0), g)};
}
// The gradient of a scatter's src: g where src's values landed, zero beyond index's extent.
Tensor scatter_src_grad(OpNode& n, const Tensor& g) {
  return pad_to(gather(g, n.arg[0], n.saved(0)), n.input_shape(1));
}
TensorList scatter_add_rule(OpNode& n, const Tensor& g) {
  return {n.needs(0) ? g : Tensor(), n.needs(1) ? scatter_src_grad(n, g) : Tensor()};
}
// Overwritten positions of self get no gradient. Used by both scatter overloads; only
// the tensor one has a src input.
TensorList scatter_rule(OpNode& n, const Tensor& g) {
  TensorList out{n.needs(0) ? scatter(g, n.arg[0], n.saved(0), 0.0) : Tensor()};
  if (n.next_edges.size() > 1) out.push_back(n.needs(1) ? scatter_src_grad(n, g) : Tensor());
  return out;
}
TensorList masked_fill_rule(OpNode& n, const Tensor& g) { return {masked_fill(g, n.saved(0), 0.0)}; }

// zeros(shape) with g's slices added along dim at index: index_select's derivative. It
// is linear in g, with index_select as its own derivative, so it records itself.
Tensor index_add_zeros(const Tensor& g, const Shape& shape, int dim, const Tensor& index) {
  Tensor out = zeros(shape, {.dtype = g.dtype()});
  const Tensor gc = g.detach().contiguous();
  dispatch_floating(g.dtype(), "index_select_backward", [&](auto v) {
    using T = decltype(v);
    index_add_kernel(out.data_ptr<T>(), gc.data_ptr<T>(), index.data_ptr<int64_t>(), index.numel(),
                     Around(shape, dim));
  });
  if (auto n = autograd::record("IndexAddBackward", index_add_zeros_rule, {&g}, out)) {
    n->save(0, index);
    n->arg[0] = dim;
  }
  return out;
}

// scatter and scatter_add: a copy of x with src (already checked) written or added at index.
Tensor scatter_impl(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, bool add,
                    const char* op) {
  const int d = wrap_dim(dim, x.dim(), op);
  Tensor out = detail::empty(x.shape(), x.dtype());
  detail::copy_into(out, x);
  IndexBound bound(size_or_1(x, d));
  dispatch(x.dtype(), [&](auto v) { scatter_kernel<decltype(v)>(out, d, index, src, add, bound); });
  bound.check(index, d, op);
  return out;
}

}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  NABLA_CHECK(x.defined(), "index_select", "undefined input tensor");
  check_index_dtype(index, "index_select");
  NABLA_CHECK(index.dim() <= 1, "index_select", "index must be a vector (0-d or 1-d), got shape ",
              index.shape());
  const int d = wrap_dim(dim, x.dim(), "index_select");
  NABLA_CHECK(x.dim() > 0 || index.numel() == 1, "index_select", "a 0-d input needs exactly one index, got ",
              index.numel());
  const Tensor idx = index.contiguous();
  Shape shape = x.shape();
  if (x.dim()) shape[d] = idx.numel();
  Tensor out = detail::empty(shape, x.dtype());
  select_rows(out, x, d, idx, "index_select");
  if (auto n = autograd::record("IndexSelectBackward", index_select_rule, {&x}, out)) {
    n->save(0, idx);
    n->arg[0] = d;
  }
  return out;
}

Tensor embedding(const Tensor& weight, const Tensor& index) {
  NABLA_CHECK(weight.defined(), "embedding", "undefined weight tensor");
  NABLA_CHECK(weight.dim() == 2, "embedding",
              "weight must be 2-D [num_embeddings, embedding_dim], got shape ", weight.shape());
  check_index_dtype(index, "embedding");
  const Tensor idx = index.reshape({-1}).contiguous();
  Shape shape = index.shape();
  shape.push_back(weight.size(1));
  Tensor out = detail::empty(shape, weight.dtype());
  select_rows(out, weight, 0, idx, "embedding");
  if (auto n = autograd::record("EmbeddingBackward", embedding_rule, {&weight}, out)) n->save(0, idx);
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  NABLA_CHECK(x.defined(), "gather", "undefined input tensor");
  check_index_dtype(index, "gather");
  const int d = wrap_dim(dim, x.dim(), "gather");
  check_scatter_shapes(x, d, index, nullptr, "gather");
  Tensor out = detail::empty(index.shape(), x.dtype());
  IndexBound bound(size_or_1(x, d));
  if (out.numel()) dispatch(x.dtype(), [&](auto v) { gather_kernel<decltype(v)>(out, x, d, index, bound); });
  bound.check(index, d, "gather");
  if (auto n = autograd::record("GatherBackward", gather_rule, {&x}, out)) {
    n->save(0, index);
    n->arg[0] = d;
  }
  return out;
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  NABLA_CHECK(x.defined() && src.defined(), "scatter", "undefined input tensor");
  check_index_dtype(index, "scatter");
  NABLA_CHECK(src.dtype() == x.dtype(), "scatter", "src has dtype ", src.dtype(), " but the input has ",
              x.dtype());
  check_scatter_shapes(x, wrap_dim(dim, x.dim(), "scatter"), index, &src, "scatter");
  Tensor out = scatter_impl(x, dim, index, src, false, "scatter");
  if (auto n = autograd::record("ScatterBackward", scatter_rule, {&x, &src}, out)) {
    n->save(0, index);
    n->arg[0] = wrap_dim(dim, x.dim(), "scatter");
  }
  return out;
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, double value) {
  NABLA_CHECK(x.defined(), "scatter", "undefined input tensor");
  check_index_dtype(index, "scatter");
  check_scatter_shapes(x, wrap_dim(dim, x.dim(), "scatter"), index, nullptr, "scatter");
  // The value, broadcast over index's extent.
  const Tensor v = dispatch(x.dtype(), [&](auto t) {
    Tensor s = detail::empty({}, x.dtype());
    *s.data_ptr<decltype(t)>() = cast_value<decltype(t)>(value, "scatter");
    return s;
  });
  const Tensor vb = detail::make_view(v, index.shape(), Shape::filled(index.dim(), 0), 0);
  Tensor out = scatter_impl(x, dim, index, vb, false, "scatter");
  if (auto n = autograd::record("ScatterBackward", scatter_rule, {&x}, out)) {
    n->save(0, index);
    n->arg[0] = wrap_dim(dim, x.dim(), "scatter");
  }
  return out;
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  NABLA_CHECK(x.defined() && src.defined(), "scatter_add", "undefined input tensor");
  check_index_dtype(index, "scatter_add");
  NABLA_CHECK(src.dtype() == x.dtype(), "scatter_add", "src has dtype ", src.dtype(), " but the input has ",
              x.dtype());
  check_scatter_shapes(x, wrap_dim(dim, x.dim(), "scatter_add"), index, &src, "scatter_add");
  Tensor out = scatter_impl(x, dim, index, src, true, "scatter_add");
  if (auto n = autograd::record("ScatterAddBackward", scatter_add_rule, {&x, &src}, out)) {
    n->save(0, index);
    n->arg[0] = wrap_dim(dim, x.dim(), "scatter_add");
  }
  return out;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  NABLA_CHECK(x.defined() && mask.defined(), "masked_fill", "undefined input tensor");
  NABLA_CHECK(mask.dtype() == kBool, "masked_fill", "mask must be a bool tensor, got ", mask.dtype());
  Tensor out = detail::empty(broadcast_shapes(x.shape(), mask.shape(), "masked_fill"), x.dtype());
  dispatch(x.dtype(), [&](auto t) {
    using T = decltype(t);
    const T v = cast_value<T>(value, "masked_fill");
    detail::binary_loop<T, T, bool>(out, x, mask, [v](T a, bool m) { return m ? v : a; });
  });
  if (auto n = autograd::record("MaskedFillBackward", masked_fill_rule, {&x}, out)) n->save(0, mask);
  return out;
}

Tensor one_hot(const Tensor& index, int64_t num_classes) {
  check_index_dtype(index, "one_hot");
  const Tensor idx = index.contiguous();
  const int64_t* p = idx.data_ptr<int64_t>();
  const int64_t n = idx.numel();
  NABLA_CHECK(num_classes >= -1, "one_hot", "num_classes must be -1 (infer) or non-negative, got ",
              num_classes);
  int64_t lo = 0, hi = -1;
  if (n) {
    const auto [mn, mx] = std::minmax_element(p, p + n);
    lo = *mn;
    hi = *mx;
  }
  if (num_classes == -1) {
    NABLA_CHECK(n > 0, "one_hot", "cannot infer the number of classes from an empty tensor");
    num_classes = hi + 1;
  }
  NABLA_CHECK(lo >= 0, "one_hot", "class values must be non-negative, got ", lo);
  NABLA_CHECK(hi < num_classes, "one_hot", "class value ", hi, " is out of bounds for num_classes ",
              num_classes);
  Shape shape = index.shape();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, {.dtype = kInt64});
  int64_t* o = out.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) o[i * num_classes + p[i]] = 1;
  return out;
}

}  // namespace nabla
