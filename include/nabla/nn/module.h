#pragma once
// nn::Module: the base of every layer and model. A module registers its parameters,
// buffers and submodules by member pointer, so models are plain classes that can be
// moved freely:
//
//   struct Net : nn::Module {
//     nn::Linear fc1{{.in_features = 4, .out_features = 200}};
//     nn::Linear out{{.in_features = 200, .out_features = 1}};
//     Net() { register_module("fc1", &Net::fc1); register_module("out", &Net::out); }
//     Tensor forward(const Tensor& x) { return out(sigmoid(fc1(x))); }
//   };
//
// Names follow PyTorch (fc1.weight, layers.0.bias, bn.running_mean), so state dicts
// move between the two.
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::nn {

// Ordered (name, tensor) pairs, in registration order like PyTorch's OrderedDict.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using StateDict = NamedTensors;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  // Moving keeps registrations valid (they are relative to the object); copying would
  // silently share parameters, so it is not allowed.
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The type shown by printing and summary ("Linear").
  virtual std::string type_name() const { return "Module"; }
  // The part inside the parentheses when printed ("in_features=4, out_features=200, bias=True").
  virtual std::string extra_repr() const { return ""; }

  NamedTensors named_parameters(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  NamedTensors named_buffers(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  std::vector<std::pair<std::string, Module*>> named_children() const;
  // This module ("") and every descendant, depth first, with dotted names.
  std::vector<std::pair<std::string, Module*>> named_modules() const;

  // Parameters and persistent buffers, detached, with dotted names.
  StateDict state_dict() const;
  // Copies values into the registered tensors (shapes and dtypes must match). With
  // strict, missing and unexpected keys are errors. Nothing is modified if any check fails.
  void load_state_dict(const StateDict& state, bool strict = true);

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Drops (set_to_none) or zeroes every parameter's gradient.
  void zero_grad(bool set_to_none = true);
  // Converts parameters and floating buffers in place (they keep their identity).
  void to(DType dtype);
  int64_t num_parameters(bool trainable_only = false) const;

 protected:
  // Registration by member pointer: Self is the derived class owning the member.
  template <class Self>
  void register_parameter(std::string name, Tensor Self::*member, bool requires_grad = true) {
    Tensor& t = static_cast<Self&>(*this).*member;
    if (t.defined() && requires_grad && !t.requires_grad()) t.requires_grad_(true);
    params_.push_back({std::move(name), [member](Module& m) -> Tensor& { return static_cast<Self&>(m).*member; }});
  }
  // A parameter held in a container member (a recurrent layer's per-layer weights), found
  // by `get` at each access.
  void register_parameter(std::string name, std::function<Tensor&(Module&)> get, bool requires_grad = true) {
    Tensor& t = get(*this);
    if (t.defined() && requires_grad && !t.requires_grad()) t.requires_grad_(true);
    params_.push_back({std::move(name), std::move(get)});
  }
  template <class Self>
  void register_buffer(std::string name, Tensor Self::*member, bool persistent = true) {
    buffers_.push_back(
        {std::move(name), [member](Module& m) -> Tensor& { return static_cast<Self&>(m).*member; }, persistent});
  }
  template <class Self, class M>
  void register_module(std::string name, M Self::*member) {
    children_.push_back({std::move(name), [member](Module& m) -> Module& { return static_cast<Self&>(m).*member; }});
  }
  // A child owned through a std::unique_ptr member (a network the caller passed in).
  template <class Self, class M>
  void register_module(std::string name, std::unique_ptr<M> Self::*member) {
    children_.push_back(
        {std::move(name), [member](Module& m) -> Module& { return *(static_cast<Self&>(m).*member); }});
  }
  // A child owned through a pointer (containers), found by `get` at each access.
  void register_module(std::string name, std::function<Module&(Module&)> get) {
    children_.push_back({std::move(name), std::move(get)});
  }

 private:
  struct TensorSlot {
    std::string name;
    std::function<Tensor&(Module&)> get;
    bool persistent = true;
  };
  struct ChildSlot {
    std::string name;
    std::function<Module&(Module&)> get;
  };
  Module& self() const { return const_cast<Module&>(*this); }
  void collect(const std::string& prefix, bool recurse, bool want_params, bool persistent_only,
               NamedTensors& out) const;

  std::vector<TensorSlot> params_;
  std::vector<TensorSlot> buffers_;
  std::vector<ChildSlot> children_;
  bool training_ = true;
};

// PyTorch-style tree print of a module.
std::ostream& operator<<(std::ostream& os, const Module& m);

}  // namespace nabla::nn
