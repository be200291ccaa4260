#include "nabla/tensor/tensor.h"

#include "nabla/autograd/engine.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/tensor/linalg.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "nabla/tensor/shape_ops.h"

namespace nabla {

namespace detail {

Tensor empty(const Shape& shape, DType dtype) {
  for (int64_t d : shape) NABLA_CHECK(d >= 0, "empty", "negative size in shape ", shape);
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(static_cast<size_t>(shape.numel()) * element_size(dtype));
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, const Shape& shape, const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.dtype();
  impl->is_view = true;
  return Tensor(std::move(impl));
}

}  // namespace detail

const TensorImpl& Tensor::checked() const {
  NABLA_CHECK(impl_ != nullptr, "Tensor", "operation on an undefined tensor");
  return *impl_;
}

const Shape& Tensor::shape() const { return checked().shape; }
const Shape& Tensor::strides() const { return checked().strides; }
int64_t Tensor::size(int64_t d) const { return shape()[wrap_dim(d, dim(), "size")]; }
int64_t Tensor::stride(int64_t d) const { return strides()[wrap_dim(d, dim(), "stride")]; }
int64_t Tensor::numel() const { return shape().numel(); }
int64_t Tensor::storage_offset() const { return checked().offset; }
DType Tensor::dtype() const { return checked().dtype; }
const std::shared_ptr<Storage>& Tensor::storage() const { return checked().storage; }

void* Tensor::raw_data() const {
  const TensorImpl& t = checked();
  return static_cast<char*>(t.storage->data()) + t.offset * static_cast<int64_t>(element_size());
}

bool Tensor::is_contiguous() const {
  const TensorImpl& t = checked();
  if (t.shape.numel() == 0) return true;  // no element to be out of place, as in PyTorch
  int64_t expected = 1;
  for (int d = t.shape.size() - 1; d >= 0; --d) {
    if (t.shape[d] == 1) continue;
    if (t.strides[d] != expected) return false;
    expected *= t.shape[d];
  }
  return true;
}

template <class T>
T Tensor::item() const {
  NABLA_CHECK(numel() == 1, "item", "a tensor with ", numel(), " elements (shape ", shape(),
              ") cannot be converted to a scalar");
  return dispatch(dtype(), [&](auto v) { return static_cast<T>(*static_cast<decltype(v)*>(raw_data())); });
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  const Tensor c = contiguous();
  return dispatch(dtype(), [&](auto v) {
    using S = decltype(v);
    const S* p = static_cast<const S*>(c.raw_data());
    std::vector<T> out(static_cast<size_t>(numel()));
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(p[i]);
    return out;
  });
}

#define NABLA_INSTANTIATE(T)                       \
  template T Tensor::item<T>() const;              \
  template std::vector<T> Tensor::to_vector<T>() const;
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
NABLA_INSTANTIATE(int64_t)
NABLA_INSTANTIATE(int)
NABLA_INSTANTIATE(bool)
#undef NABLA_INSTANTIATE

// ---- autograd ---------------------------------------------------------------

bool Tensor::requires_grad() const { return checked().requires_grad; }

Tensor& Tensor::requires_grad_(bool enabled) {
  NABLA_CHECK(is_leaf(), "requires_grad_",
              "can only change requires_grad of leaf tensors; use detach() for a non-leaf");
  NABLA_CHECK(!enabled || is_floating_point(), "requires_grad_",
              "only floating-point tensors can require gradients, got ", dtype());
  impl_->requires_grad = enabled;
  return *this;
}

bool Tensor::is_leaf() const { return checked().grad_fn == nullptr; }
const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const { return checked().grad_fn; }
uint32_t Tensor::output_nr() const { return checked().output_nr; }
const Tensor& Tensor::grad() const { return checked().grad; }
Tensor& Tensor::mutable_grad() {
  checked();
  return impl_->grad;
}

void Tensor::retain_grad() {
  NABLA_CHECK(requires_grad(), "retain_grad", "tensor does not require grad");
  if (is_leaf() || impl_->retains_grad) return;
  impl_->retains_grad = true;
  impl_->grad_fn->retained.emplace_back(impl_->output_nr, impl_);
}

bool Tensor::retains_grad() const { return checked().retains_grad; }

int Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) {
  NABLA_CHECK(requires_grad() && is_leaf(), "register_post_accumulate_grad_hook",
              "only a leaf tensor that requires grad accumulates gradients");
  impl_->post_accumulate_grad_hooks.emplace_back(impl_->next_hook_id, std::move(hook));
  return impl_->next_hook_id++;
}

void Tensor::remove_post_accumulate_grad_hook(int id) {
  checked();
  std::erase_if(impl_->post_accumulate_grad_hooks, [id](const auto& h) { return h.first == id; });
}

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}

Tensor Tensor::detach() const {
  const TensorImpl& t = checked();
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = t.storage;
  impl->shape = t.shape;
  impl->strides = t.strides;
  impl->offset = t.offset;
  impl->dtype = t.dtype;
  impl->is_view = t.is_view;
  return Tensor(std::move(impl));
}

Tensor& Tensor::detach_() {
  checked();
  NABLA_CHECK(!impl_->is_view || !impl_->requires_grad, "detach_",
              "cannot detach a view in place; use detach()");
  impl_->grad_fn.reset();
  impl_->requires_grad = false;
  impl_->output_nr = 0;
  return *this;
}

// ---- methods forwarding to the free functions -----------------------------------

Tensor Tensor::view(const Shape& s) const { return nabla::view(*this, s); }
Tensor Tensor::reshape(const Shape& s) const { return nabla::reshape(*this, s); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return nabla::transpose(*this, a, b); }
Tensor Tensor::permute(const DimList& d) const { return nabla::permute(*this, d); }
Tensor Tensor::t() const {
  NABLA_CHECK(dim() <= 2, "t", "expects a tensor with <= 2 dimensions, got shape ", shape());
  return dim() < 2 ? *this : nabla::transpose(*this, 0, 1);
}
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const { return nabla::narrow(*this, d, s, l); }
Tensor Tensor::slice(int64_t d, int64_t s, int64_t e, int64_t st) const {
  return nabla::slice(*this, d, s, e, st);
}
Tensor Tensor::select(int64_t d, int64_t i) const { return nabla::select(*this, d, i); }
Tensor Tensor::expand(const Shape& s) const { return nabla::expand(*this, s); }
Tensor Tensor::squeeze() const { return nabla::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return nabla::squeeze(*this, d); }
Tensor Tensor::unsqueeze(int64_t d) const { return nabla::unsqueeze(*this, d); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return nabla::flatten(*this, s, e); }

Tensor Tensor::sum() const { return nabla::sum(*this); }
Tensor Tensor::sum(const DimList& d, bool k) const { return nabla::sum(*this, d, k); }
Tensor Tensor::mean() const { return nabla::mean(*this); }
Tensor Tensor::mean(const DimList& d, bool k) const { return nabla::mean(*this, d, k); }
Tensor Tensor::exp() const { return nabla::exp(*this); }
Tensor Tensor::log() const { return nabla::log(*this); }
Tensor Tensor::sqrt() const { return nabla::sqrt(*this); }
Tensor Tensor::abs() const { return nabla::abs(*this); }
Tensor Tensor::pow(double e) const { return nabla::pow(*this, e); }
Tensor Tensor::sigmoid() const { return nabla::sigmoid(*this); }
Tensor Tensor::tanh() const { return nabla::tanh(*this); }
Tensor Tensor::relu() const { return nabla::relu(*this); }
Tensor Tensor::neg() const { return nabla::neg(*this); }
Tensor Tensor::matmul(const Tensor& o) const { return nabla::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return nabla::mm(*this, o); }

}  // namespace nabla
