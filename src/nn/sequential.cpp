#include "nabla/nn/sequential.h"

#include <string>

namespace nabla::nn {

void Sequential::add(std::unique_ptr<UnaryModule> module) {
  NABLA_CHECK(module != nullptr, "Sequential", "cannot add a null module");
  const size_t i = items_.size();
  items_.push_back(std::move(module));
  register_module(std::to_string(i), [i](Module& self) -> Module& { return *static_cast<Sequential&>(self).items_[i]; });
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (auto& m : items_) y = (*m)(y);
  return y;
}

UnaryModule& Sequential::operator[](size_t i) const {
  NABLA_CHECK(i < items_.size(), "Sequential", "index ", i, " out of range for ", items_.size(), " modules");
  return *items_[i];
}

}  // namespace nabla::nn
