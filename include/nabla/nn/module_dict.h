#pragma once
// nn::ModuleDict: owned modules of any kind under string keys, kept in insertion order
// and registered under their keys (so parameters are "heads.policy.weight", ...).
//   nn::ModuleDict heads;
//   heads.insert("policy", nn::Linear({.in_features = 8, .out_features = 4}));
//   for (auto&& [key, module] : heads) ...;
//   heads.at<nn::Linear>("policy").weight;
#include <concepts>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/nn/module_list.h"

namespace nabla::nn {

class ModuleDict : public Module {
  using Items = std::vector<std::pair<std::string, std::unique_ptr<Module>>>;

 public:
  ModuleDict() = default;

  // Takes ownership of a module (moved in). An existing key keeps its position and gets
  // the new module, as assigning to a Python ModuleDict does.
  template <class M>
    requires std::derived_from<std::decay_t<M>, Module>
  std::decay_t<M>& insert(std::string key, M&& module) {
    auto owned = std::make_unique<std::decay_t<M>>(std::forward<M>(module));
    auto& ref = *owned;
    insert(std::move(key), std::move(owned));
    return ref;
  }
  void insert(std::string key, std::unique_ptr<Module> module);

  Module& operator[](const std::string& key) const;
  template <class M>
  M& at(const std::string& key) const {
    return internal::checked_cast<M>((*this)[key], "ModuleDict", "key '" + key + "'");
  }
  bool contains(const std::string& key) const { return find(key) != items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::vector<std::string> keys() const;

  class iterator {
   public:
    using value_type = std::pair<const std::string&, Module&>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Items::const_iterator it) : it_(it) {}
    value_type operator*() const { return {it_->first, *it_->second}; }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) { return iterator(it_++); }
    bool operator==(const iterator& other) const = default;

   private:
    Items::const_iterator it_{};
  };
  iterator begin() const { return iterator(items_.begin()); }
  iterator end() const { return iterator(items_.end()); }

  std::string type_name() const override { return "ModuleDict"; }

 private:
  Items::const_iterator find(const std::string& key) const;

  Items items_;
};

}  // namespace nabla::nn
