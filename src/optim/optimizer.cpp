#include "nabla/optim/optimizer.h"

#include <charconv>
#include <unordered_set>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"

namespace nabla::optim {
namespace {

// Splits "<prefix><index>.<rest>" into (index, rest); false if `key` has another form.
bool split_indexed(std::string_view key, std::string_view prefix, int64_t& index, std::string_view& rest) {
  if (!key.starts_with(prefix)) return false;
  key.remove_prefix(prefix.size());
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
  if (ec != std::errc() || end == key.data() || end == key.data() + key.size() || *end != '.' || index < 0)
    return false;
  rest = key.substr(static_cast<size_t>(end - key.data()) + 1);
  return !rest.empty();
}

}  // namespace

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard guard;
  for (ParamGroup& group : groups_)
    for (Tensor& p : group.params) {
      Tensor& g = p.mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none)
        g = Tensor();
      else
        g.zero_();
    }
}

void Optimizer::add_param_group(ParamGroupSpec spec) {
  std::unordered_set<const TensorImpl*> seen;
  for (const ParamGroup& g : groups_)
    for (const Tensor& p : g.params) seen.insert(p.impl());
  for (const Tensor& p : spec.params) {
    NABLA_CHECK(p.defined(), type_name_, "a parameter is an undefined tensor");
    NABLA_CHECK(p.is_floating_point(), type_name_, "can only optimize floating-point tensors, got ",
                p.dtype());
    NABLA_CHECK(p.is_leaf() || p.retains_grad(), type_name_, "can't optimize a non-leaf Tensor");
    NABLA_CHECK(seen.insert(p.impl()).second, type_name_,
                "some parameters appear more than once (in this or another parameter group)");
  }
  ParamGroup group{std::move(spec.params), defaults_};
  for (const auto& [name, value] : spec.options.items()) {
    NABLA_CHECK(defaults_.contains(name), type_name_, "unknown option '", name, "' in a parameter group");
    group.options.set(name, value);
  }
  check_group(group);
  groups_.push_back(std::move(group));
}

const ParamState* Optimizer::state(const Tensor& param) const {
  const auto it = state_.find(param.impl());
  return it == state_.end() || it->second.state.empty() ? nullptr : &it->second.state;
}

ParamState& Optimizer::state_for(const Tensor& param) {
  Entry& e = state_[param.impl()];
  if (!e.param.defined()) e.param = param;
  return e.state;
}

StateDict Optimizer::state_dict() const {
  StateDict out;
  int64_t index = 0;
  for (const ParamGroup& group : groups_)
    for (const Tensor& p : group.params) {
      if (const ParamState* s = state(p))
        for (const auto& [name, t] : s->items())
          out.emplace_back("state." + std::to_string(index) + "." + name, t.detach().clone());
      ++index;
    }
  index = 0;
  for (size_t g = 0; g < groups_.size(); ++g) {
    const std::string prefix = "param_groups." + std::to_string(g) + ".";
    std::vector<int64_t> ids(groups_[g].params.size());
    for (int64_t& id : ids) id = index++;
    out.emplace_back(prefix + "params", from_vector(ids, {static_cast<int64_t>(ids.size())}));
    for (const auto& [name, value] : groups_[g].options.items())
      out.emplace_back(prefix + name, scalar_tensor(value, {.dtype = kFloat64}));
  }
  return out;
}

void Optimizer::load_state_dict(const StateDict& dict) {
  const char* op = "load_state_dict";
  const size_t num_groups = groups_.size();
  // The saved group of each saved parameter id, and the saved groups' options.
  std::vector<const Tensor*> saved_ids(num_groups, nullptr);
  std::vector<GroupOptions> options(num_groups);
  std::vector<std::pair<int64_t, std::pair<std::string_view, const Tensor*>>> saved_state;
  for (const auto& [key, t] : dict) {
    int64_t index;
    std::string_view rest;
    NABLA_CHECK(t.defined(), op, "'", key, "' is an undefined tensor");
    if (split_indexed(key, "state.", index, rest)) {
      saved_state.push_back({index, {rest, &t}});
    } else if (split_indexed(key, "param_groups.", index, rest)) {
      NABLA_CHECK(static_cast<size_t>(index) < num_groups, op, "'", key, "': the optimizer has ", num_groups,
                  " parameter groups");
      if (rest == "params") {
        NABLA_CHECK(t.dtype() == kInt64 && t.dim() == 1, op, "'", key, "' must be a 1-D int64 tensor, got ",
                    t.dtype(), " of shape ", t.shape());
        saved_ids[index] = &t;
      } else {
        NABLA_CHECK(t.numel() == 1 && t.is_floating_point(), op, "'", key,
                    "' must hold one floating-point value, got ", t.dtype(), " of shape ", t.shape());
        options[index].set(rest, t.item<double>());
      }
    } else {
      nabla::detail::fail(op, "unexpected key '", key, "' in an optimizer state dict");
    }
  }
  // Saved parameter id -> this optimizer's parameter, matched group by group in order.
  std::unordered_map<int64_t, const Tensor*> param_of;
  for (size_t g = 0; g < num_groups; ++g) {
    NABLA_CHECK(saved_ids[g] != nullptr, op, "the state dict has no 'param_groups.", g,
                ".params' (it has a different number of parameter groups?)");
    const std::vector<Tensor>& params = groups_[g].params;
    NABLA_CHECK(saved_ids[g]->numel() == static_cast<int64_t>(params.size()), op, "parameter group ", g,
                " has ", params.size(), " parameters, the state dict's has ", saved_ids[g]->numel());
    const std::vector<int64_t> ids = saved_ids[g]->to_vector<int64_t>();
    for (size_t i = 0; i < ids.size(); ++i)
      NABLA_CHECK(param_of.emplace(ids[i], &params[i]).second, op, "parameter id ", ids[i],
                  " appears twice in the state dict's param groups");
    ParamGroup candidate{{}, options[g]};
    for (const auto& [name, value] : defaults_.items())
      NABLA_CHECK(candidate.options.contains(name), op, "parameter group ", g, " of the state dict has no '",
                  name, "'");
    check_group(candidate);
  }
  std::unordered_map<const TensorImpl*, Entry> state;
  for (const auto& [id, entry] : saved_state) {
    const auto& [name, t] = entry;
    const auto it = param_of.find(id);
    NABLA_CHECK(it != param_of.end(), op, "'state.", id, ".", name,
                "' refers to no parameter of the state dict");
    const Tensor& p = *it->second;
    NABLA_CHECK(t->is_floating_point(), op, "'state.", id, ".", name, "' must be floating-point, got ",
                t->dtype());
    Tensor value;
    if (name == "step") {
      NABLA_CHECK(t->numel() == 1, op, "'state.", id, ".step' must hold one value, got shape ", t->shape());
      value = scalar_tensor(t->item<double>(), {.dtype = kFloat64});
    } else {
      NABLA_CHECK(t->shape() == p.shape(), op, "'state.", id, ".", name, "' has shape ", t->shape(),
                  ", the parameter ", p.shape());
      // A private contiguous copy (to() copies already when it converts).
      value = t->dtype() == p.dtype() ? t->detach().clone() : t->detach().to(p.dtype());
    }
    Entry& e = state[p.impl()];
    e.param = p;
    NABLA_CHECK(!e.state.contains(name), op, "'state.", id, ".", name, "' appears twice");
    e.state.set(name, std::move(value));
  }
  for (size_t g = 0; g < num_groups; ++g) groups_[g].options = std::move(options[g]);
  state_ = std::move(state);
}

}  // namespace nabla::optim
