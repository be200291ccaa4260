#include "nabla/nn/module_list.h"

#include <string>

namespace nabla::nn {

void ModuleList::append(std::unique_ptr<Module> module) {
  NABLA_CHECK(module != nullptr, "ModuleList", "cannot append a null module");
  const size_t i = items_.size();
  items_.push_back(std::move(module));
  register_module(std::to_string(i), [i](Module& self) -> Module& { return *static_cast<ModuleList&>(self).items_[i]; });
}

Module& ModuleList::operator[](int64_t i) const {
  const auto n = static_cast<int64_t>(items_.size());
  NABLA_CHECK(i >= -n && i < n, "ModuleList", "index ", i, " is out of range for ", n, " modules");
  return *items_[static_cast<size_t>(i < 0 ? i + n : i)];
}

}  // namespace nabla::nn
