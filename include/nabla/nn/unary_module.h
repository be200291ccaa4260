#pragma once
// UnaryModule: a module with one tensor in and one tensor out — what Sequential chains
// and summary() inspects. Calling it runs forward() and then any forward hooks.
#include <functional>

#include "nabla/nn/module.h"

namespace nabla::nn {

class UnaryModule : public Module {
 public:
  virtual Tensor forward(const Tensor& x) = 0;

  Tensor operator()(const Tensor& x) {
    Tensor y = forward(x);
    for (auto& [id, hook] : hooks_) hook(*this, x, y);
    return y;
  }

  // Called after each forward with (module, input, output); returns an id for removal.
  using ForwardHook = std::function<void(UnaryModule&, const Tensor&, const Tensor&)>;
  int register_forward_hook(ForwardHook hook) {
    hooks_.emplace_back(next_hook_id_, std::move(hook));
    return next_hook_id_++;
  }
  void remove_forward_hook(int id) { std::erase_if(hooks_, [id](const auto& h) { return h.first == id; }); }

 private:
  std::vector<std::pair<int, ForwardHook>> hooks_;
  int next_hook_id_ = 0;
};

}  // namespace nabla::nn
