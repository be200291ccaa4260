#pragma once
// optim::Optimizer: the base of every optimizer, with PyTorch's param groups and
// state_dict.
//
//   optim::Adam opt(model.parameters(), {.lr = 1e-3, .amsgrad = true});
//   optim::SGD sgd(optim::split_decay(model.named_parameters(), 1e-4), {.lr = 0.1});
//   for (...) { opt.zero_grad(); loss(model).backward(); opt.step(); }
//
// A param group holds its parameters and its own hyper-parameters under PyTorch's names
// ("lr", "weight_decay", ...). Every hyper-parameter is a double: flags are 0 or 1, and
// Adam's betas pair is flattened to "betas.0" and "betas.1". Schedulers and users change
// them between steps, as in PyTorch: opt.param_groups()[0].options.at("lr") = 0.01.
//
// state_dict() is a flat list of (name, tensor), PyTorch's nested dict with dotted keys:
//   state.<i>.<name>         the per-parameter state, i numbering the parameters across
//                            groups in order (only parameters that have state): "step"
//                            as a 0-d float64 tensor, the buffers ("momentum_buffer",
//                            "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg",
//                            "grad_avg", "sum") in the parameter's shape and dtype;
//   param_groups.<g>.params  int64 1-D: the indices i of the group's parameters;
//   param_groups.<g>.<name>  0-d float64: each hyper-parameter of the group, including
//                            keys that schedulers add ("initial_lr", "max_lr", ...).
// The tensors are copies. load_state_dict() takes the same form (or PyTorch's, flattened
// the same way; floating state is converted to the parameter's dtype) into an optimizer
// with the same group sizes; it checks everything before changing anything.
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/tensor.h"

namespace nabla::optim {

// Ordered (name, tensor) pairs; the same type as nn::StateDict.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

// Ordered (name, value) pairs with lookup by name, like the dicts PyTorch keeps them in.
template <class V>
class NamedValues {
 public:
  using Item = std::pair<std::string, V>;
  NamedValues() = default;
  NamedValues(std::initializer_list<Item> items) {
    for (const Item& item : items) set(item.first, item.second);
  }

  bool contains(std::string_view name) const { return find(name) != nullptr; }
  const V* find(std::string_view name) const {
    for (const Item& item : items_)
      if (item.first == name) return &item.second;
    return nullptr;
  }
  V* find(std::string_view name) { return const_cast<V*>(std::as_const(*this).find(name)); }
  // The value of `name`; throws if there is none.
  const V& at(std::string_view name) const {
    const V* v = find(name);
    NABLA_CHECK(v != nullptr, "optim", "no entry named '", name, "'");
    return *v;
  }
  V& at(std::string_view name) { return const_cast<V&>(std::as_const(*this).at(name)); }
  // Inserts `name` at the end, or overwrites its value.
  void set(std::string_view name, V value) {
    if (V* v = find(name))
      *v = std::move(value);
    else
      items_.emplace_back(std::string(name), std::move(value));
  }
  const std::vector<Item>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }

 private:
  std::vector<Item> items_;
};

using GroupOptions = NamedValues<double>;
// A parameter's optimizer state ("step", "exp_avg", ...), empty until its first step.
using ParamState = NamedValues<Tensor>;

struct ParamGroup {
  std::vector<Tensor> params;
  GroupOptions options;
};

// A group to add: its parameters and the hyper-parameters in which it differs from the
// optimizer's defaults, e.g. {.params = biases, .options = {{"weight_decay", 0}}}.
struct ParamGroupSpec {
  std::vector<Tensor> params{};
  GroupOptions options{};
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Schedulers keep a reference to their optimizer, so it stays where it was built.
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient (parameters without one are
  // skipped, their state untouched). Parameters are written in place without recording
  // a graph, and their version is bumped.
  virtual void step() = 0;
  // Drops (set_to_none, PyTorch's default) or zeroes every parameter's gradient.
  void zero_grad(bool set_to_none = true);

  // Adds a group; options not given take the optimizer's defaults. Throws for unknown
  // option names, invalid values, non-leaf or non-floating tensors, and parameters that
  // are already optimized.
  void add_param_group(ParamGroupSpec group);
  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  // The options a group gets when it does not set them (PyTorch's optimizer.defaults).
  const GroupOptions& defaults() const { return defaults_; }
  // The state of `param`, or nullptr while it has none.
  const ParamState* state(const Tensor& param) const;
  // "SGD", "Adam", ...
  const char* type_name() const { return type_name_; }

  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

 protected:
  Optimizer(const char* type_name, GroupOptions defaults)
      : type_name_(type_name), defaults_(std::move(defaults)) {}
  // Throws if a group's options are invalid for this optimizer.
  virtual void check_group(const ParamGroup& group) const = 0;
  // The state of `param`, created empty on first use.
  ParamState& state_for(const Tensor& param);
  // Calls f(group, param, state) for every parameter that has a gradient matching it in
  // dtype and shape, with graph recording off.
  template <class F>
  void for_each_update(F&& f) {
    NoGradGuard no_grad;
    for (const ParamGroup& group : groups_)
      for (const Tensor& p : group.params) {
        const Tensor& grad = p.grad();
        if (!grad.defined()) continue;
        NABLA_CHECK(grad.dtype() == p.dtype() && grad.shape() == p.shape(), type_name_, "the gradient (",
                    grad.dtype(), ", shape ", grad.shape(), ") does not match its parameter (", p.dtype(),
                    ", shape ", p.shape(), ")");
        f(group, p, state_for(p));
      }
  }

 private:
  struct Entry {
    Tensor param;  // keeps the key's TensorImpl alive
    ParamState state;
  };
  const char* type_name_;
  GroupOptions defaults_;
  std::vector<ParamGroup> groups_;
  std::unordered_map<const TensorImpl*, Entry> state_;
};

// The typed side of an optimizer: Options is an aggregate of its hyper-parameters with
//   template <class F> void for_each(F&& f);  // f("lr", lr), f("nesterov", nesterov), ...
//   void check(const char* op) const;         // throws for invalid values
template <class Options>
class OptimizerWith : public Optimizer {
 protected:
  OptimizerWith(const char* type_name, std::vector<ParamGroupSpec> groups, Options defaults)
      : Optimizer(type_name, to_group_options(defaults)) {
    NABLA_CHECK(!groups.empty(), type_name, "optimizer got an empty parameter list");
    for (ParamGroupSpec& g : groups) add_param_group(std::move(g));
  }

  // A group's hyper-parameters as the typed struct.
  Options options_of(const ParamGroup& group) const {
    Options o;
    o.for_each([&](const char* name, auto& field) {
      const double* v = group.options.find(name);
      NABLA_CHECK(v != nullptr, type_name(), "a param group has no option '", name, "'");
      field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
    });
    return o;
  }

  void check_group(const ParamGroup& group) const override { options_of(group).check(type_name()); }

 private:
  static GroupOptions to_group_options(Options o) {
    GroupOptions g;
    o.for_each([&](const char* name, auto& field) { g.set(name, static_cast<double>(field)); });
    return g;
  }
};

}  // namespace nabla::optim
