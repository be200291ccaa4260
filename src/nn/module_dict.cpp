#include "nabla/nn/module_dict.h"

#include <algorithm>

namespace nabla::nn {

ModuleDict::Items::const_iterator ModuleDict::find(const std::string& key) const {
  return std::find_if(items_.begin(), items_.end(), [&](const auto& item) { return item.first == key; });
}

void ModuleDict::insert(std::string key, std::unique_ptr<Module> module) {
  NABLA_CHECK(module != nullptr, "ModuleDict", "cannot insert a null module under '", key, "'");
  NABLA_CHECK(!key.empty(), "ModuleDict", "module name can't be empty string \"\"");
  NABLA_CHECK(key.find('.') == std::string::npos, "ModuleDict", "module name can't contain \".\", got: ", key);
  const auto it = find(key);
  if (it != items_.end()) {
    items_[static_cast<size_t>(it - items_.begin())].second = std::move(module);
    return;
  }
  const size_t i = items_.size();
  items_.emplace_back(key, std::move(module));
  register_module(std::move(key), [i](Module& self) -> Module& { return *static_cast<ModuleDict&>(self).items_[i].second; });
}

Module& ModuleDict::operator[](const std::string& key) const {
  const auto it = find(key);
  NABLA_CHECK(it != items_.end(), "ModuleDict", "no module under key '", key, "'");
  return *it->second;
}

std::vector<std::string> ModuleDict::keys() const {
  std::vector<std::string> out;
  for (const auto& item : items_) out.push_back(item.first);
  return out;
}

}  // namespace nabla::nn
