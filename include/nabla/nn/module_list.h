#pragma once
// nn::ModuleList: an owned, indexable, iterable list of modules of any kind, registered as
// "0", "1", ... (so their parameters are "0.weight", "layers.1.bias", ...). It has no
// forward: the owner decides how the modules are used.
//   nn::ModuleList blocks;
//   for (int i = 0; i < 3; ++i) blocks.push_back(nn::Linear({.in_features = 8, .out_features = 8}));
//   for (nn::Module& m : blocks) ...;
//   blocks.at<nn::Linear>(0).weight;
#include <concepts>
#include <memory>
#include <type_traits>
#include <vector>

#include "nabla/nn/module.h"

namespace nabla::nn {

namespace internal {
// Iterates a vector of unique_ptr<Module> as Module&.
template <class It>
class DerefIterator {
 public:
  using value_type = Module;
  using difference_type = std::ptrdiff_t;
  DerefIterator() = default;
  explicit DerefIterator(It it) : it_(it) {}
  Module& operator*() const { return **it_; }
  Module* operator->() const { return it_->get(); }
  DerefIterator& operator++() {
    ++it_;
    return *this;
  }
  DerefIterator operator++(int) { return DerefIterator(it_++); }
  bool operator==(const DerefIterator& other) const = default;

 private:
  It it_{};
};

// The stored module of type M or a nabla::Error naming the container and the position.
template <class M>
M& checked_cast(Module& m, const char* container, const std::string& where) {
  auto* p = dynamic_cast<M*>(&m);
  NABLA_CHECK(p != nullptr, container, "the module at ", where, " is a ", m.type_name(),
              ", not the requested type");
  return *p;
}
}  // namespace internal

class ModuleList : public Module {
 public:
  ModuleList() = default;
  template <class... Ms>
  explicit ModuleList(Ms&&... modules) {
    (push_back(std::forward<Ms>(modules)), ...);
  }

  // Takes ownership of a module (moved in); returns a reference to the stored one.
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module>
  std::decay_t<M>& push_back(M&& module) {
    auto owned = std::make_unique<std::decay_t<M>>(std::forward<M>(module));
    auto& ref = *owned;
    append(std::move(owned));
    return ref;
  }
  void append(std::unique_ptr<Module> module);

  // Negative indices count from the end, as in Python.
  Module& operator[](int64_t i) const;
  template <class M>
  M& at(int64_t i) const {
    return internal::checked_cast<M>((*this)[i], "ModuleList", "index " + std::to_string(i));
  }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  using iterator = internal::DerefIterator<std::vector<std::unique_ptr<Module>>::const_iterator>;
  iterator begin() const { return iterator(items_.begin()); }
  iterator end() const { return iterator(items_.end()); }

  std::string type_name() const override { return "ModuleList"; }

 private:
  std::vector<std::unique_ptr<Module>> items_;
};

}  // namespace nabla::nn
