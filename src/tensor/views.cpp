// View ops: new geometry over the same storage, no copy. Their derivatives map the
// gradient back onto the input's geometry.
#include <numeric>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/inplace.h"

namespace nabla {
namespace {

using autograd::OpNode;
using autograd::TensorList;

Tensor as_view(const Tensor& x, const Shape& shape, const Shape& strides, int64_t offset,
               const char* name, OpNode::Rule rule, std::shared_ptr<OpNode>* node = nullptr) {
  Tensor out = detail::make_view(x, shape, strides, offset);
  auto n = autograd::record(name, rule, {&x}, out);
  if (node) *node = n;
  return out;
}

TensorList view_backward(OpNode& n, const Tensor& g) { return {reshape(g, n.input_shape(0))}; }
TensorList transpose_backward(OpNode& n, const Tensor& g) { return {transpose(g, n.arg[0], n.arg[1])}; }
TensorList permute_backward(OpNode& n, const Tensor& g) {
  DimList inverse = Shape::filled(n.dims.size(), 0);
  for (int i = 0; i < n.dims.size(); ++i) inverse[static_cast<int>(n.dims[i])] = i;
  return {permute(g, inverse)};
}
TensorList expand_backward(OpNode&, const Tensor& g) { return {g}; }  // the engine sums to shape

// The gradient of a strided slice: zeros of the input's shape with g at the slice.
Tensor slice_backward(const Tensor& g, const Shape& input_shape, int64_t dim, int64_t start, int64_t step);

TensorList slice_backward_rule(OpNode& n, const Tensor& g) {
  return {slice_backward(g, n.input_shape(0), n.arg[0], n.arg[1], n.arg[2])};
}
TensorList select_backward_rule(OpNode& n, const Tensor& g) {
  return {slice_backward(unsqueeze(g, n.arg[0]), n.input_shape(0), n.arg[0], n.arg[1], 1)};
}
// slice_backward is linear in g; its own derivative slices the gradient back out.
TensorList slice_backward_backward(OpNode& n, const Tensor& gg) {
  return {slice(gg, n.arg[0], n.arg[1], n.arg[1] + n.shape[static_cast<int>(n.arg[0])] * n.arg[2], n.arg[2])};
}

Tensor slice_backward(const Tensor& g, const Shape& input_shape, int64_t dim, int64_t start, int64_t step) {
  Tensor out = zeros(input_shape, {.dtype = g.dtype()});
  {
    NoGradGuard guard;
    const int64_t len = g.size(dim);
    detail::copy_into(slice(out, dim, start, start + len * step, step), g);
  }
  if (auto n = autograd::record("SliceBackwardBackward", slice_backward_backward, {&g}, out)) {
    n->arg[0] = dim;
    n->arg[1] = start;
    n->arg[2] = step;
    n->shape = g.shape();
  }
  return out;
}

// Strides for viewing x as `shape` (same numel) without a copy; false when the memory
// layout does not allow it. Dims are matched in chunks of x's dims that are contiguous
// with each other; each chunk must be covered exactly by a run of the new dims.
bool view_strides(const Tensor& x, const Shape& shape, Shape& out) {
  const Shape& old_shape = x.shape();
  const Shape& old_strides = x.strides();
  out = Shape::filled(shape.size(), 1);
  if (x.numel() == 0 || x.dim() == 0) {
    out = contiguous_strides(shape);
    return true;
  }
  int view_d = shape.size() - 1;
  int64_t chunk_base_stride = old_strides.size() ? old_strides.back() : 1;
  int64_t tensor_numel = 1, view_numel = 1;
  for (int d = old_shape.size() - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    if (d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

Shape infer_shape(const Shape& shape, int64_t numel, const Shape& from, const char* op) {
  Shape out = shape;
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      NABLA_CHECK(infer < 0, op, "only one dimension can be -1 in shape ", shape);
      infer = i;
    } else {
      NABLA_CHECK(out[i] >= 0, op, "invalid size ", out[i], " in shape ", shape);
      known *= out[i];
    }
  }
  if (infer >= 0) {
    NABLA_CHECK(known != 0 && numel % known == 0, op, "shape ", shape, " is invalid for input of shape ",
                from, " (", numel, " elements)");
    out[infer] = numel / known;
  }
  NABLA_CHECK(out.numel() == numel, op, "shape ", shape, " is invalid for input of shape ", from, " (",
              numel, " elements)");
  return out;
}

}  // namespace

Tensor view(const Tensor& x, const Shape& shape) {
  const Shape s = infer_shape(shape, x.numel(), x.shape(), "view");
  Shape strides;
  NABLA_CHECK(view_strides(x, s, strides), "view", "cannot view a tensor of shape ", x.shape(),
              " and strides ", x.strides(), " as ", s, "; use reshape() (which copies) instead");
  return as_view(x, s, strides, x.storage_offset(), "ViewBackward", view_backward);
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  const Shape s = infer_shape(shape, x.numel(), x.shape(), "reshape");
  Shape strides;
  if (view_strides(x, s, strides)) return as_view(x, s, strides, x.storage_offset(), "ViewBackward", view_backward);
  return view(x.contiguous(), s);
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  const int a = wrap_dim(dim0, x.dim(), "transpose"), b = wrap_dim(dim1, x.dim(), "transpose");
  if (x.dim() == 0) return x;
  Shape shape = x.shape(), strides = x.strides();
  std::swap(shape[a], shape[b]);
  std::swap(strides[a], strides[b]);
  std::shared_ptr<OpNode> n;
  Tensor out = as_view(x, shape, strides, x.storage_offset(), "TransposeBackward", transpose_backward, &n);
  if (n) {
    n->arg[0] = a;
    n->arg[1] = b;
  }
  return out;
}

Tensor permute(const Tensor& x, const DimList& dims) {
  NABLA_CHECK(dims.size() == x.dim(), "permute", "number of dims ", dims.size(),
              " does not match the tensor's ", x.dim(), " (shape ", x.shape(), ")");
  Shape shape, strides;
  DimList wrapped;
  bool seen[kMaxDims] = {};
  for (int i = 0; i < dims.size(); ++i) {
    const int d = wrap_dim(dims[i], x.dim(), "permute");
    NABLA_CHECK(!seen[d], "permute", "dim ", d, " repeated in ", dims);
    seen[d] = true;
    wrapped.push_back(d);
    shape.push_back(x.size(d));
    strides.push_back(x.stride(d));
  }
  std::shared_ptr<OpNode> n;
  Tensor out = as_view(x, shape, strides, x.storage_offset(), "PermuteBackward", permute_backward, &n);
  if (n) n->dims = wrapped;
  return out;
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  NABLA_CHECK(x.dim() > 0, "slice", "cannot slice a 0-d tensor");
  const int d = wrap_dim(dim, x.dim(), "slice");
  NABLA_CHECK(step > 0, "slice", "step must be positive, got ", step);
  const int64_t size = x.size(d);
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  Shape shape = x.shape(), strides = x.strides();
  shape[d] = (end - start + step - 1) / step;
  strides[d] *= step;
  std::shared_ptr<OpNode> n;
  Tensor out = as_view(x, shape, strides, x.storage_offset() + start * x.stride(d), "SliceBackward",
                       slice_backward_rule, &n);
  if (n) {
    n->arg[0] = d;
    n->arg[1] = start;
    n->arg[2] = step;
  }
  return out;
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  NABLA_CHECK(x.dim() > 0, "narrow", "cannot narrow a 0-d tensor");
  const int d = wrap_dim(dim, x.dim(), "narrow");
  const int64_t size = x.size(d);
  if (start < 0) start += size;
  NABLA_CHECK(start >= 0 && length >= 0 && start + length <= size, "narrow", "start ", start,
              " + length ", length, " exceeds dimension ", d, " of size ", size);
  return slice(x, d, start, start + length, 1);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  NABLA_CHECK(x.dim() > 0, "select", "cannot select from a 0-d tensor");
  const int d = wrap_dim(dim, x.dim(), "select");
  const int64_t size = x.size(d);
  NABLA_CHECK(index >= -size && index < size, "select", "index ", index,
              " is out of bounds for dimension ", d, " with size ", size);
  if (index < 0) index += size;
  Shape shape = x.shape(), strides = x.strides();
  shape.erase(d);
  strides.erase(d);
  std::shared_ptr<OpNode> n;
  Tensor out = as_view(x, shape, strides, x.storage_offset() + index * x.stride(d), "SelectBackward",
                       select_backward_rule, &n);
  if (n) {
    n->arg[0] = d;
    n->arg[1] = index;
  }
  return out;
}

Tensor expand(const Tensor& x, const Shape& shape) {
  NABLA_CHECK(shape.size() >= x.dim(), "expand", "cannot expand shape ", x.shape(), " to fewer dims ",
              shape);
  const int off = shape.size() - x.dim();
  Shape out_shape = shape, strides = Shape::filled(shape.size(), 0);
  for (int i = 0; i < shape.size(); ++i) {
    const int j = i - off;
    if (j < 0) {
      NABLA_CHECK(shape[i] >= 0, "expand", "size -1 not allowed in a new leading dim of ", shape);
      continue;
    }
    const int64_t want = shape[i] == -1 ? x.size(j) : shape[i];
    NABLA_CHECK(want == x.size(j) || x.size(j) == 1, "expand", "cannot expand shape ", x.shape(), " to ",
                shape, " (dim ", i, ": ", x.size(j), " vs ", want, ")");
    out_shape[i] = want;
    strides[i] = want == x.size(j) ? x.stride(j) : 0;
  }
  if (out_shape == x.shape()) return x;
  return as_view(x, out_shape, strides, x.storage_offset(), "ExpandBackward", expand_backward);
}

Tensor squeeze(const Tensor& x) {
  Shape s;
  for (int64_t d : x.shape())
    if (d != 1) s.push_back(d);
  return view(x, s);
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), "squeeze");
  if (x.dim() == 0 || x.size(d) != 1) return x;
  Shape s = x.shape();
  s.erase(d);
  return view(x, s);
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape(), strides = x.strides();
  const int64_t st = d < x.dim() ? x.stride(d) * x.size(d) : 1;
  shape.insert(d, 1);
  strides.insert(d, st);
  return as_view(x, shape, strides, x.storage_offset(), "ViewBackward", view_backward);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  const int s = wrap_dim(start_dim, x.dim(), "flatten"), e = wrap_dim(end_dim, x.dim(), "flatten");
  NABLA_CHECK(s <= e, "flatten", "start_dim ", s, " comes after end_dim ", e);
  Shape shape;
  for (int i = 0; i < s; ++i) shape.push_back(x.size(i));
  int64_t m = 1;
  for (int i = s; i <= e; ++i) m *= x.size(i);
  shape.push_back(m);
  for (int i = e + 1; i < x.dim(); ++i) shape.push_back(x.size(i));
  return reshape(x, shape);
}

Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes) {
  const int d = wrap_dim(dim, x.dim(), "unflatten");
  const Shape inner = infer_shape(sizes, x.size(d), Shape{x.size(d)}, "unflatten");
  Shape shape;
  for (int i = 0; i < d; ++i) shape.push_back(x.size(i));
  for (int64_t s : inner) shape.push_back(s);
  for (int i = d + 1; i < x.dim(); ++i) shape.push_back(x.size(i));
  return view(x, shape);
}

}  // namespace nabla
