#include "nabla/io/checkpoint.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string_view>

#include "nabla/tensor/random.h"
#include "src/io/message_prefix.h"

namespace nabla::io {
namespace {

constexpr const char* kSave = "save_checkpoint";
constexpr const char* kLoad = "load_checkpoint";
constexpr std::string_view kReservedPrefix = "nabla.";
constexpr const char* kVersion = "1";

using Components = std::vector<std::pair<std::string, Stateful>>;

// The checkpoint's components in saving and loading order, their names checked.
Components components(const Checkpoint& c, const char* op, const std::string& where) {
  Components out;
  if (c.model) out.emplace_back("model", c.model);
  if (c.optimizer) out.emplace_back("optimizer", c.optimizer);
  if (c.scheduler) out.emplace_back("scheduler", c.scheduler);
  for (const auto& [name, object] : c.extra) {
    NABLA_CHECK(!name.empty() && name.find('.') == std::string::npos, op, where, "the extra component name '",
                name, "' must be non-empty and contain no '.'");
    NABLA_CHECK(name != "model" && name != "optimizer" && name != "scheduler", op, where,
                "the extra component name '", name, "' is reserved");
    NABLA_CHECK(object, op, where, "the extra component '", name, "' is null");
    NABLA_CHECK(std::none_of(out.begin(), out.end(), [&](const auto& part) { return part.first == name; }),
                op, where, "the extra component name '", name, "' is used twice");
    out.emplace_back(name, object);
  }
  return out;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream is(list);
  for (std::string item; std::getline(is, item, ',');) out.push_back(item);
  return out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Copies of an object's state: a module's state_dict() aliases its parameters, which a
// later load would overwrite.
nn::StateDict snapshot(const Stateful& object) {
  nn::StateDict state = object.state_dict();
  for (auto& [name, t] : state) t = t.clone();
  return state;
}

// The checkpoint's own metadata, read and checked before anything is loaded.
class SavedMetadata {
 public:
  SavedMetadata(const Metadata& metadata, const std::string& where) : metadata_(metadata), where_(where) {
    const auto version = metadata.find("nabla.checkpoint");
    NABLA_CHECK(version != metadata.end(), kLoad, where,
                "not a nabla checkpoint (its metadata has no 'nabla.checkpoint')");
    NABLA_CHECK(version->second == kVersion, kLoad, where, "checkpoint layout version '", version->second,
                "' is not supported (this nabla reads version ", kVersion, ")");
  }

  const std::string& at(const std::string& key) const {
    const auto it = metadata_.find(key);
    NABLA_CHECK(it != metadata_.end(), kLoad, where_, "the checkpoint's metadata has no '", key, "'");
    return it->second;
  }
  int64_t integer(const std::string& key) const {
    const std::string& text = at(key);
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    NABLA_CHECK(ec == std::errc() && end == text.data() + text.size() && !text.empty(), kLoad, where_, "'",
                key, "' must be an integer, got '", text, "'");
    return value;
  }
  // The user's entries: those not starting with "nabla.".
  Metadata user() const {
    Metadata out;
    for (const auto& [key, value] : metadata_)
      if (!key.starts_with(kReservedPrefix)) out.emplace(key, value);
    return out;
  }

 private:
  const Metadata& metadata_;
  const std::string& where_;
};

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  const std::string where = message_prefix(path);
  nn::StateDict tensors;
  std::string names;
  for (const auto& [name, object] : components(checkpoint, kSave, where)) {
    for (auto& [key, t] : object.state_dict()) tensors.emplace_back(name + "." + key, std::move(t));
    names += (names.empty() ? "" : ",") + name;
  }
  Metadata metadata;
  for (const auto& [key, value] : checkpoint.metadata) {
    NABLA_CHECK(!key.starts_with(kReservedPrefix), kSave, where, "metadata key '", key,
                "': keys starting with 'nabla.' are reserved for the checkpoint's own entries");
    metadata.emplace(key, value);
  }
  metadata["nabla.checkpoint"] = kVersion;
  metadata["nabla.components"] = names;
  metadata["nabla.epoch"] = std::to_string(checkpoint.epoch);
  metadata["nabla.step"] = std::to_string(checkpoint.step);
  metadata["nabla.rng_state"] = default_generator().state();
  if (checkpoint.optimizer) metadata["nabla.optimizer"] = checkpoint.optimizer->type_name();
  save_safetensors(tensors, path, metadata);
}

void load_checkpoint(const std::filesystem::path& path, Checkpoint& checkpoint) {
  const std::string where = message_prefix(path);
  const Components parts = components(checkpoint, kLoad, where);
  SafetensorsFile file = read_safetensors(path);
  const SavedMetadata saved(file.metadata, where);
  const int64_t epoch = saved.integer("nabla.epoch"), step = saved.integer("nabla.step");
  const std::string& rng_state = saved.at("nabla.rng_state");
  try {
    Generator().set_state(rng_state);
  } catch (const Error& e) {
    detail::fail(kLoad, where, "'nabla.rng_state': ", e.what());
  }

  const std::vector<std::string> saved_names = split(saved.at("nabla.components"));
  for (const auto& [name, object] : parts)
    NABLA_CHECK(contains(saved_names, name), kLoad, where, "the checkpoint holds no '", name,
                "' state (it holds '", saved.at("nabla.components"), "')");
  for (const std::string& name : saved_names)
    NABLA_CHECK(std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return p.first == name; }),
                kLoad, where, "the checkpoint holds '", name, "' state, but no ", name,
                " was given to load it into");
  if (checkpoint.optimizer)
    NABLA_CHECK(saved.at("nabla.optimizer") == checkpoint.optimizer->type_name(), kLoad, where,
                "the checkpoint's optimizer is ", saved.at("nabla.optimizer"), ", the one given is ",
                checkpoint.optimizer->type_name());

  std::vector<nn::StateDict> states(parts.size());
  for (auto& [key, t] : file.tensors) {
    const std::string prefix = key.substr(0, key.find('.'));
    const auto part =
        std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == prefix; });
    NABLA_CHECK(part != parts.end() && prefix.size() < key.size(), kLoad, where, "tensor '", key,
                "' belongs to no component of the checkpoint");
    states[part - parts.begin()].emplace_back(key.substr(prefix.size() + 1), std::move(t));
  }

  // Each load_state_dict checks before it writes, but a later component can still refuse
  // its state after earlier ones took theirs: those are put back.
  std::vector<nn::StateDict> before;
  const auto restore = [&] {
    for (size_t i = 0; i < before.size(); ++i) parts[i].second.load_state_dict(before[i]);
  };
  size_t current = 0;
  try {
    for (; current < parts.size(); ++current) {
      before.push_back(snapshot(parts[current].second));
      parts[current].second.load_state_dict(states[current]);
    }
  } catch (const Error& e) {
    restore();
    detail::fail(kLoad, where, parts[current].first, ": ", e.what());
  } catch (...) {
    restore();
    throw;
  }
  default_generator().set_state(rng_state);
  checkpoint.epoch = epoch;
  checkpoint.step = step;
  checkpoint.metadata = saved.user();
}

}  // namespace nabla::io
