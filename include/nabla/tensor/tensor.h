#pragma once
// nabla::Tensor: a value-semantic handle to an n-dimensional array. Copies share the
// same underlying tensor (like torch::Tensor); views share storage with their base.
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <utility>
#include <vector>

#include "nabla/tensor/dtype.h"
#include "nabla/tensor/error.h"
#include "nabla/tensor/shape.h"
#include "nabla/tensor/storage.h"

namespace nabla {

namespace autograd {
class Node;
}

struct TensorImpl;

// Creation options, an aggregate: zeros({2, 3}, {.dtype = kFloat64, .requires_grad = true}).
struct TensorOptions {
  DType dtype = kFloat32;
  bool requires_grad = false;
};

// Dimension lists (for reductions, permute, ...) use the same inline small array as shapes.
using DimList = Shape;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }

  // ---- geometry -------------------------------------------------------------
  const Shape& shape() const;
  const Shape& sizes() const { return shape(); }
  const Shape& strides() const;
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int dim() const { return shape().size(); }
  int64_t numel() const;
  int64_t storage_offset() const;
  DType dtype() const;
  size_t element_size() const { return nabla::element_size(dtype()); }
  bool is_contiguous() const;
  bool is_floating_point() const { return is_floating(dtype()); }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

  // ---- data -----------------------------------------------------------------
  // Typed pointer to the first element; throws if T does not match dtype().
  template <class T>
  T* data_ptr() const;
  void* raw_data() const;
  const std::shared_ptr<Storage>& storage() const;
  // The value of a one-element tensor, converted to T.
  template <class T = double>
  T item() const;
  // All elements in row-major order, converted to T.
  template <class T>
  std::vector<T> to_vector() const;

  // ---- autograd -------------------------------------------------------------
  bool requires_grad() const;
  // Marks a leaf as requiring gradients (PyTorch's requires_grad_).
  Tensor& requires_grad_(bool enabled = true);
  bool is_leaf() const;
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  uint32_t output_nr() const;
  // Accumulated gradient (undefined until a backward pass reaches this tensor).
  const Tensor& grad() const;
  Tensor& mutable_grad();
  // Makes a non-leaf keep its gradient in grad() during backward.
  void retain_grad();
  bool retains_grad() const;
  // torch.Tensor.register_post_accumulate_grad_hook: `hook(leaf)` runs each time a backward
  // pass has accumulated into this leaf's grad(), while the rest of backward is still to run
  // (DistributedDataParallel starts reducing gradients there). Returns an id for removal.
  int register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook);
  void remove_post_accumulate_grad_hook(int id);
  // Reverse-mode differentiation from this tensor; `gradient` may be omitted for scalars.
  void backward(const Tensor& gradient = {}, bool retain_graph = false,
                bool create_graph = false) const;
  // A tensor sharing this one's data but cut from the graph.
  Tensor detach() const;
  Tensor& detach_();

  // ---- conversions and copies -----------------------------------------------
  Tensor to(DType dtype) const;
  Tensor contiguous() const;
  Tensor clone() const;

  // ---- views (no copy) --------------------------------------------------------
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor permute(const DimList& dims) const;
  Tensor t() const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor operator[](int64_t index) const { return select(0, index); }
  Tensor expand(const Shape& shape) const;
  Tensor expand_as(const Tensor& other) const { return expand(other.shape()); }
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor view_as(const Tensor& other) const { return view(other.shape()); }

  // ---- math (forwarding to the free functions of the same name) ----------------
  Tensor sum() const;
  Tensor sum(const DimList& dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(const DimList& dims, bool keepdim = false) const;
  Tensor exp() const;
  Tensor log() const;
  Tensor sqrt() const;
  Tensor abs() const;
  Tensor pow(double exponent) const;
  Tensor sigmoid() const;
  Tensor tanh() const;
  Tensor relu() const;
  Tensor neg() const;
  Tensor matmul(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;

  // ---- in place (refused on leaves that require grad, like PyTorch) ------------
  Tensor& add_(const Tensor& other, double alpha = 1);
  Tensor& add_(double other);
  Tensor& sub_(const Tensor& other, double alpha = 1);
  Tensor& sub_(double other);
  Tensor& mul_(const Tensor& other);
  Tensor& mul_(double other);
  Tensor& div_(const Tensor& other);
  Tensor& div_(double other);
  Tensor& clamp_(double min, double max);
  Tensor& fill_(double value);
  Tensor& zero_();
  // Copies `src` (broadcast to this shape, converted to this dtype) into this tensor.
  Tensor& copy_(const Tensor& src);

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  const TensorImpl& checked() const;
  std::shared_ptr<TensorImpl> impl_;
};

// The state behind a Tensor handle: geometry over a shared storage, plus the autograd
// record (grad_fn for results of differentiable ops, grad for leaves).
struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;
  int64_t offset = 0;
  DType dtype = kFloat32;

  bool requires_grad = false;
  bool retains_grad = false;
  bool is_view = false;  // shares storage with the tensor it was derived from
  uint32_t output_nr = 0;
  std::shared_ptr<autograd::Node> grad_fn;
  std::weak_ptr<autograd::Node> grad_accumulator;
  Tensor grad;
  std::vector<std::pair<int, std::function<void(const Tensor&)>>> post_accumulate_grad_hooks;
  int next_hook_id = 0;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

namespace detail {
// A new contiguous tensor with uninitialised contents.
Tensor empty(const Shape& shape, DType dtype);
// A view of `base`'s storage with the given geometry (no autograd record).
Tensor make_view(const Tensor& base, const Shape& shape, const Shape& strides, int64_t offset);
}  // namespace detail

template <class T>
T* Tensor::data_ptr() const {
  NABLA_CHECK(dtype() == dtype_of<T>(), "data_ptr", "tensor has dtype ", dtype(), ", requested ",
              dtype_of<T>());
  return static_cast<T*>(raw_data());
}

}  // namespace nabla
