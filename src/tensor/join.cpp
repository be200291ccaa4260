// Joining and splitting: cat, stack, split, chunk, unbind.
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/tensor/inplace.h"

namespace nabla {
namespace {

// Gradient of cat: the slice of g that each input occupied.
class CatBackward final : public autograd::Node {
 public:
  CatBackward(int dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  const char* name() const override { return "CatBackward"; }
  autograd::TensorList apply(autograd::TensorList&& grads) override {
    autograd::TensorList out;
    int64_t start = 0;
    for (size_t i = 0; i < sizes_.size(); ++i) {
      out.push_back(next_edges[i].fn ? narrow(grads[0], dim_, start, sizes_[i]) : Tensor());
      start += sizes_[i];
    }
    return out;
  }

 private:
  int dim_;
  std::vector<int64_t> sizes_;
};

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  NABLA_CHECK(!tensors.empty(), "cat", "expects a non-empty list of tensors");
  const Tensor& first = tensors[0];
  NABLA_CHECK(first.defined() && first.dim() > 0, "cat", "zero-dimensional tensor cannot be concatenated");
  const int d = wrap_dim(dim, first.dim(), "cat");
  DType dt = first.dtype();
  for (const Tensor& t : tensors) dt = promote_types(dt, t.dtype());
  Shape shape = first.shape();
  shape[d] = 0;
  std::vector<int64_t> sizes;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    NABLA_CHECK(t.defined() && t.dim() == first.dim(), "cat", "tensor ", i, " has ", t.defined() ? t.dim() : 0,
                " dims, expected ", first.dim());
    for (int k = 0; k < t.dim(); ++k)
      NABLA_CHECK(k == d || t.size(k) == first.size(k), "cat", "sizes of tensors must match except in dim ", d,
                  ": tensor 0 has shape ", first.shape(), ", tensor ", i, " has shape ", t.shape());
    sizes.push_back(t.size(d));
    shape[d] += t.size(d);
  }
  Tensor out = detail::empty(shape, dt);
  int64_t start = 0;
  for (const Tensor& t : tensors) {
    const Shape& s = t.shape();
    Shape strides = out.strides();
    detail::copy_into(detail::make_view(out, s, strides, start * out.stride(d)), t);
    start += t.size(d);
  }
  bool needs = false;
  for (const Tensor& t : tensors) needs = needs || autograd::any_requires_grad({&t});
  if (needs) autograd::set_history(std::make_shared<CatBackward>(d, std::move(sizes)), tensors, {&out});
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  NABLA_CHECK(!tensors.empty(), "stack", "expects a non-empty list of tensors");
  const int d = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> expanded;
  expanded.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    NABLA_CHECK(tensors[i].shape() == tensors[0].shape(), "stack", "expects tensors of equal shape, got ",
                tensors[0].shape(), " and ", tensors[i].shape(), " (tensor ", i, ")");
    expanded.push_back(tensors[i].unsqueeze(d));
  }
  return cat(expanded, d);
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  NABLA_CHECK(split_size > 0, "split", "split_size must be positive, got ", split_size);
  const int d = wrap_dim(dim, x.dim(), "split");
  std::vector<Tensor> out;
  for (int64_t start = 0; start < x.size(d); start += split_size)
    out.push_back(x.narrow(d, start, std::min(split_size, x.size(d) - start)));
  if (out.empty()) out.push_back(x.narrow(d, 0, 0));
  return out;
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    NABLA_CHECK(s >= 0, "split", "negative split size ", s);
    total += s;
  }
  NABLA_CHECK(total == x.size(d), "split", "sizes sum to ", total, " but dimension ", d, " has size ", x.size(d));
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : sizes) {
    out.push_back(x.narrow(d, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  NABLA_CHECK(chunks > 0, "chunk", "number of chunks must be positive, got ", chunks);
  const int d = wrap_dim(dim, x.dim(), "chunk");
  return split(x, std::max<int64_t>(1, (x.size(d) + chunks - 1) / chunks), d);
}

std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), "unbind");
  std::vector<Tensor> out;
  for (int64_t i = 0; i < x.size(d); ++i) out.push_back(x.select(d, i));
  return out;
}

}  // namespace nabla
