#pragma once
// OpNode: the node most ops use. An op's derivative rule is a plain function written next
// to its forward; the node carries what the rule needs (saved tensors, a few scalars,
// a shape and a dim list), so a new op needs no class of its own.
#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"

namespace nabla::autograd {

class OpNode final : public Node {
 public:
  // Given the gradient of the (single) output, returns one gradient per input.
  using Rule = TensorList (*)(OpNode& node, const Tensor& grad);

  OpNode(const char* name, Rule rule) : name_(name), rule_(rule) {}
  const char* name() const override { return name_; }
  TensorList apply(TensorList&& grads) override { return rule_(*this, grads[0]); }
  void release_saved() override {
    for (SavedTensor& s : saved_) {
      released = released || s.defined();
      s.reset();
    }
  }

  void save(int i, const Tensor& t, bool is_output = false) { saved_[i] = SavedTensor(t, is_output); }
  Tensor saved(int i) { return saved_[i].unpack(shared_from_this()); }
  // Whether input i needs a gradient (rules skip work for inputs that do not).
  bool needs(int i) const { return next_edges[i].fn != nullptr; }
  const Shape& input_shape(int i) const { return next_edges[i].shape; }

  double scalar[2] = {};
  int64_t arg[3] = {};
  Shape shape;
  DimList dims;

 private:
  const char* name_;
  Rule rule_;
  SavedTensor saved_[3];
};

// When grad mode is on and an input requires grad, makes an OpNode the grad_fn of `out`
// and returns it so the caller can save what the rule needs; otherwise returns null.
inline std::shared_ptr<OpNode> record(const char* name, OpNode::Rule rule,
                                      std::initializer_list<const Tensor*> inputs, Tensor& out) {
  if (!any_requires_grad(inputs)) return nullptr;
  auto node = std::make_shared<OpNode>(name, rule);
  set_history(node, inputs, {&out});
  return node;
}

}  // namespace nabla::autograd
