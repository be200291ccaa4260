#pragma once
// nn::Sequential: an owned, indexable chain of unary modules, named "0", "1", ...
//   nn::Sequential net(nn::Linear({.in_features = 4, .out_features = 200}), nn::Sigmoid(),
//                      nn::Linear({.in_features = 200, .out_features = 1}));
#include <memory>
#include <type_traits>

#include "nabla/nn/unary_module.h"

namespace nabla::nn {

class Sequential : public UnaryModule {
 public:
  Sequential() = default;
  template <class... Ms>
  explicit Sequential(Ms&&... modules) {
    (push_back(std::forward<Ms>(modules)), ...);
  }

  // Takes ownership of a module (moved in); returns a reference to the stored one.
  template <class M>
  std::decay_t<M>& push_back(M&& module) {
    static_assert(std::is_base_of_v<UnaryModule, std::decay_t<M>>, "Sequential holds unary modules");
    auto owned = std::make_unique<std::decay_t<M>>(std::forward<M>(module));
    auto& ref = *owned;
    add(std::move(owned));
    return ref;
  }
  void add(std::unique_ptr<UnaryModule> module);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sequential"; }

  UnaryModule& operator[](size_t i) const;
  size_t size() const { return items_.size(); }

 private:
  std::vector<std::unique_ptr<UnaryModule>> items_;
};

}  // namespace nabla::nn
