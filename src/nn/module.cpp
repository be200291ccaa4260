#include "nabla/nn/module.h"

#include <ostream>
#include <sstream>
#include <unordered_map>

#include "nabla/autograd/grad_mode.h"
#include "src/tensor/inplace.h"

namespace nabla::nn {

void Module::collect(const std::string& prefix, bool recurse, bool want_params, bool persistent_only,
                     NamedTensors& out) const {
  for (const TensorSlot& s : want_params ? params_ : buffers_) {
    if (persistent_only && !s.persistent) continue;
    const Tensor& t = s.get(self());
    if (t.defined()) out.emplace_back(prefix + s.name, t);
  }
  if (!recurse) return;
  for (const ChildSlot& c : children_)
    c.get(self()).collect(prefix + c.name + ".", true, want_params, persistent_only, out);
}

NamedTensors Module::named_parameters(bool recurse) const {
  NamedTensors out;
  collect("", recurse, true, false, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters(recurse)) out.push_back(t);
  return out;
}

NamedTensors Module::named_buffers(bool recurse) const {
  NamedTensors out;
  collect("", recurse, false, false, out);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_buffers(recurse)) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, Module*>> Module::named_children() const {
  std::vector<std::pair<std::string, Module*>> out;
  for (const ChildSlot& c : children_) out.emplace_back(c.name, &c.get(self()));
  return out;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, Module*>> out{{"", &self()}};
  for (auto& [name, child] : named_children())
    for (auto& [sub, m] : child->named_modules()) out.emplace_back(sub.empty() ? name : name + "." + sub, m);
  return out;
}

StateDict Module::state_dict() const {
  // Parameters then buffers of each module, module by module, as PyTorch orders them.
  StateDict out;
  for (auto& [prefix, m] : named_modules()) {
    const std::string p = prefix.empty() ? "" : prefix + ".";
    m->collect(p, false, true, false, out);
    m->collect(p, false, false, true, out);
  }
  for (auto& [name, t] : out) t = t.detach();
  return out;
}

void Module::load_state_dict(const StateDict& state, bool strict) {
  std::unordered_map<std::string, const Tensor*> given;
  for (const auto& [name, t] : state) given.emplace(name, &t);
  const StateDict own = state_dict();
  std::vector<std::pair<const Tensor*, const Tensor*>> copies;  // (destination, source)
  std::vector<std::string> missing;
  for (const auto& [name, dst] : own) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
      continue;
    }
    const Tensor& src = *it->second;
    NABLA_CHECK(src.defined() && src.shape() == dst.shape(), "load_state_dict", "size mismatch for ", name,
                ": the model has shape ", dst.shape(), ", the state dict ", src.defined() ? src.shape().str() : "undefined");
    NABLA_CHECK(src.dtype() == dst.dtype(), "load_state_dict", "dtype mismatch for ", name, ": the model has ",
                dst.dtype(), ", the state dict ", src.dtype());
    copies.emplace_back(&dst, &src);
    given.erase(it);
  }
  if (strict) {
    std::ostringstream os;
    for (const auto& m : missing) os << " missing key '" << m << "';";
    for (const auto& [name, t] : state)
      if (given.count(name)) os << " unexpected key '" << name << "';";
    NABLA_CHECK(os.str().empty(), "load_state_dict", "error(s) loading the state dict:", os.str());
  }
  NoGradGuard guard;
  for (auto& [dst, src] : copies) {
    detail::copy_into(*dst, *src);
    dst->storage()->bump_version();
  }
}

void Module::train(bool on) {
  for (auto& [name, m] : named_modules()) m->training_ = on;
}

void Module::zero_grad(bool set_to_none) {
  NoGradGuard guard;
  for (Tensor& p : parameters()) {
    Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    if (set_to_none) g = Tensor();
    else g.zero_();
  }
}

void Module::to(DType dtype) {
  NoGradGuard guard;
  auto convert = [dtype](const Tensor& t) {
    if (!t.defined() || !t.is_floating_point() || t.dtype() == dtype) return;
    // Swap the data under the same TensorImpl, so every handle to the tensor (and the
    // optimizer holding it) sees the converted values.
    const Tensor c = t.detach().to(dtype).contiguous();
    TensorImpl* impl = t.impl();
    impl->storage = c.storage();
    impl->strides = c.strides();
    impl->offset = c.storage_offset();
    impl->dtype = dtype;
    impl->grad = Tensor();
  };
  for (const Tensor& p : parameters()) convert(p);
  for (const Tensor& b : buffers()) convert(b);
}

int64_t Module::num_parameters(bool trainable_only) const {
  int64_t n = 0;
  for (const Tensor& p : parameters())
    if (!trainable_only || p.requires_grad()) n += p.numel();
  return n;
}

namespace {
void print_tree(std::ostream& os, const Module& m, int indent) {
  os << m.type_name() << '(' << m.extra_repr();
  const auto children = m.named_children();
  if (!children.empty()) {
    os << '\n';
    for (const auto& [name, child] : children) {
      os << std::string(indent + 2, ' ') << '(' << name << "): ";
      print_tree(os, *child, indent + 2);
      os << '\n';
    }
    os << std::string(indent, ' ');
  }
  os << ')';
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const Module& m) {
  print_tree(os, m, 0);
  return os;
}

}  // namespace nabla::nn
