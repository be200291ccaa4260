// Copies and dtype conversions: contiguous(), clone(), to(), copy_(), fill_(), zero_().
#include <algorithm>

#include "nabla/autograd/grad_mode.h"
#include "src/autograd/op_node.h"
#include "src/tensor/inplace.h"
#include "src/tensor/loops.h"

namespace nabla {
namespace detail {

void copy_into(const Tensor& dst, const Tensor& src) {
  dispatch(dst.dtype(), [&](auto d) {
    using D = decltype(d);
    dispatch(src.dtype(), [&](auto s) {
      using S = decltype(s);
      unary_loop<D, S>(dst, src, [](S v) { return static_cast<D>(v); });
    });
  });
}

void check_inplace(const Tensor& self, bool result_requires_grad, const char* op) {
  for (int d = 0; d < self.dim(); ++d)
    NABLA_CHECK(self.stride(d) != 0 || self.size(d) <= 1, op,
                "in-place write to an expanded tensor (shape ", self.shape(),
                ") where several elements share one memory location; call clone() first");
  if (!GradMode::is_enabled()) return;
  NABLA_CHECK(!(self.is_leaf() && self.requires_grad()), op,
              "a leaf tensor that requires grad (shape ", self.shape(),
              ") is used in an in-place operation; wrap it in NoGradGuard or use the "
              "out-of-place op");
  if (self.requires_grad() || result_requires_grad)
    NABLA_CHECK(self.storage().use_count() == 1, op,
                "in-place operation on a tensor (shape ", self.shape(),
                ") that shares storage with a view or a tensor saved for backward, while "
                "autograd is recording; use the out-of-place op");
}

Tensor& assign_result(Tensor& self, const Tensor& result, const char* op) {
  check_inplace(self, result.requires_grad(), op);
  NABLA_CHECK(broadcast_shapes(self.shape(), result.shape(), op) == self.shape(), op,
              "result of shape ", result.shape(), " cannot be written into a tensor of shape ",
              self.shape());
  copy_into(self, result);
  self.storage()->bump_version();
  if (result.requires_grad() && GradMode::is_enabled()) {
    TensorImpl* impl = self.impl();
    impl->grad_fn = result.grad_fn();
    impl->output_nr = result.output_nr();
    impl->requires_grad = true;
  }
  return self;
}

void detach_history(Tensor& self) {
  auto node = std::make_shared<autograd::OpNode>(
      "FillBackward", [](autograd::OpNode&, const Tensor&) { return autograd::TensorList{Tensor()}; });
  autograd::set_history(node, {&self}, {&self});
}

}  // namespace detail

namespace {
using autograd::OpNode;
using autograd::TensorList;

TensorList to_backward(OpNode& n, const Tensor& g) {
  return {g.to(static_cast<DType>(n.arg[0]))};
}
TensorList identity_backward(OpNode&, const Tensor& g) { return {g}; }

// A contiguous copy recorded as `name` whose derivative passes the gradient through.
Tensor copy_with_grad(const Tensor& x, DType dtype, const char* name, autograd::OpNode::Rule rule) {
  Tensor out = detail::empty(x.shape(), dtype);
  detail::copy_into(out, x);
  if (auto n = autograd::record(name, rule, {&x}, out)) n->arg[0] = static_cast<int64_t>(x.dtype());
  return out;
}
}  // namespace

Tensor Tensor::to(DType dtype) const {
  if (dtype == this->dtype()) return *this;
  NABLA_CHECK(!requires_grad() || is_floating(dtype), "to", "cannot convert a tensor that requires grad to ",
              dtype, " (gradients need a floating-point dtype)");
  return copy_with_grad(*this, dtype, "ToCopyBackward", to_backward);
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return copy_with_grad(*this, dtype(), "CloneBackward", identity_backward);
}

Tensor Tensor::clone() const { return copy_with_grad(*this, dtype(), "CloneBackward", identity_backward); }

Tensor& Tensor::copy_(const Tensor& src) {
  NABLA_CHECK(src.defined(), "copy_", "source is undefined");
  if (src.requires_grad() && GradMode::is_enabled()) {
    // The derivative w.r.t. src is that of a broadcast + dtype conversion.
    Tensor converted = src.dtype() == dtype() ? src.expand(shape()).clone() : src.expand(shape()).to(dtype());
    return detail::assign_result(*this, converted, "copy_");
  }
  detail::check_inplace(*this, false, "copy_");
  NABLA_CHECK(broadcast_shapes(shape(), src.shape(), "copy_") == shape(), "copy_", "source of shape ",
              src.shape(), " cannot be broadcast to ", shape());
  detail::copy_into(*this, src);
  storage()->bump_version();
  if (GradMode::is_enabled() && requires_grad()) detail::detach_history(*this);
  return *this;
}

Tensor& Tensor::fill_(double value) {
  detail::check_inplace(*this, false, "fill_");
  dispatch(dtype(), [&](auto v) {
    using T = decltype(v);
    const T tv = static_cast<T>(value);
    if (is_contiguous()) {
      std::fill_n(static_cast<T*>(raw_data()), numel(), tv);
    } else {
      // Broadcast a one-element source: the loop never reads the (uninitialised) target.
      Tensor src = detail::empty({}, dtype());
      *static_cast<T*>(src.raw_data()) = tv;
      detail::copy_into(*this, src);
    }
  });
  storage()->bump_version();
  if (GradMode::is_enabled() && requires_grad()) detail::detach_history(*this);
  return *this;
}

Tensor& Tensor::zero_() { return fill_(0); }

}  // namespace nabla
