#include "nabla/autograd/node.h"

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/math.h"

namespace nabla {

namespace {
thread_local bool grad_enabled = true;
}
bool GradMode::is_enabled() { return grad_enabled; }
void GradMode::set_enabled(bool enabled) { grad_enabled = enabled; }

namespace autograd {

TensorList AccumulateGrad::apply(TensorList&& grads) {
  Tensor& g = grads[0];
  Tensor& acc = leaf_->grad;
  if (!acc.defined()) {
    // Own the buffer: an incoming gradient may be shared with another leaf's (add's
    // backward hands the same tensor to both inputs), and grad() is later updated in place.
    const bool exclusive = g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1;
    acc = GradMode::is_enabled() ? g : (exclusive ? g.detach() : g.detach().clone());
  } else if (GradMode::is_enabled()) {
    acc = add(acc, g);
  } else {
    acc.add_(g);
  }
  if (!leaf_->post_accumulate_grad_hooks.empty()) {
    const Tensor leaf(leaf_);
    for (const auto& [id, hook] : leaf_->post_accumulate_grad_hooks) hook(leaf);
  }
  return {};
}

SavedTensor::SavedTensor(const Tensor& t, bool is_output)
    : is_output_(is_output), was_defined_(t.defined()) {
  if (!t.defined()) return;
  version_ = t.storage()->version();
  output_nr_ = t.output_nr();
  data_ = is_output ? t.detach() : t;
}

Tensor SavedTensor::unpack(const std::shared_ptr<Node>& owner) const {
  if (!was_defined_) return Tensor();
  NABLA_CHECK(data_.defined(), "backward",
              "saved tensors were freed by a previous backward; pass retain_graph=true");
  NABLA_CHECK(data_.storage()->version() == version_, "backward",
              "a tensor of shape ", data_.shape(), " needed for gradient computation was modified "
              "by an in-place operation (version ", data_.storage()->version(), ", saved at ",
              version_, ")");
  if (is_output_ && owner && GradMode::is_enabled()) {
    Tensor t = data_.detach();
    t.impl()->grad_fn = owner;
    t.impl()->output_nr = output_nr_;
    t.impl()->requires_grad = true;
    return t;
  }
  return data_;
}

bool any_requires_grad(std::initializer_list<const Tensor*> tensors) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor* t : tensors)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

Edge gradient_edge(const Tensor& t) {
  TensorImpl* impl = t.impl();
  if (!impl || !impl->requires_grad) return {};
  if (impl->grad_fn) return {impl->grad_fn, impl->output_nr, impl->shape, impl->dtype};
  std::shared_ptr<Node> acc = impl->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    impl->grad_accumulator = acc;
  }
  return {std::move(acc), 0, impl->shape, impl->dtype};
}

namespace {
void attach(const std::shared_ptr<Node>& node, std::initializer_list<Tensor*> outputs) {
  uint32_t nr = 0;
  for (Tensor* out : outputs) {
    TensorImpl* impl = out->impl();
    impl->grad_fn = node;
    impl->output_nr = nr++;
    impl->requires_grad = true;
  }
}
}  // namespace

void set_history(const std::shared_ptr<Node>& node, std::initializer_list<const Tensor*> inputs,
                 std::initializer_list<Tensor*> outputs) {
  node->next_edges.reserve(inputs.size());
  for (const Tensor* in : inputs) node->next_edges.push_back(gradient_edge(*in));
  attach(node, outputs);
}

void set_history(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs,
                 std::initializer_list<Tensor*> outputs) {
  node->next_edges.reserve(inputs.size());
  for (const Tensor& in : inputs) node->next_edges.push_back(gradient_edge(in));
  attach(node, outputs);
}

}  // namespace autograd
}  // namespace nabla
