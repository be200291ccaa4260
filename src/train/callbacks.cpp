#include "nabla/train/callbacks.h"

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "nabla/tensor/factory.h"
#include "nabla/train/trainer.h"

namespace nabla::train {
namespace {

constexpr std::string_view kBestWeights = "best_weights.";

}  // namespace

double monitored(const Logs& logs, const std::string& name, const char* who) {
  const auto it = logs.find(name);
  if (it == logs.end()) {
    std::string known;
    for (const auto& [n, v] : logs) known += (known.empty() ? "" : ", ") + n;
    detail::fail(who, "monitors '", name, "', which the epoch logs do not have (they have: ", known,
                 "; val_ values need validation data)");
  }
  return it->second;
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : options_(std::move(options)),
      rule_({.patience = options_.patience, .min_delta = options_.min_delta, .mode = options_.mode}) {}

void EarlyStopping::on_epoch_end(Trainer& trainer, int64_t epoch, Logs& logs) {
  const int64_t before = rule_.best_epoch();
  rule_.step(monitored(logs, options_.monitor, "EarlyStopping"));
  if (rule_.best_epoch() != before) {
    best_epoch_ = epoch;
    if (options_.restore_best_weights) {
      best_weights_ = trainer.model().state_dict();
      for (auto& [name, t] : best_weights_) t = t.clone();  // state_dict shares storage
    }
  }
  if (rule_.should_stop()) trainer.stop_training();
}

void EarlyStopping::on_train_end(Trainer& trainer) {
  if (options_.restore_best_weights && !best_weights_.empty()) trainer.model().load_state_dict(best_weights_);
}

nn::StateDict EarlyStopping::state_dict() const {
  nn::StateDict state = rule_.state_dict();
  state.emplace_back("trainer_best_epoch", scalar_tensor(static_cast<double>(best_epoch_), {.dtype = kFloat64}));
  for (const auto& [name, t] : best_weights_) state.emplace_back(std::string(kBestWeights) + name, t);
  return state;
}

void EarlyStopping::load_state_dict(const nn::StateDict& state) {
  optim::StateDict rule;
  nn::StateDict weights;
  std::optional<int64_t> best_epoch;
  for (const auto& [name, t] : state) {
    if (name.starts_with(kBestWeights))
      weights.emplace_back(name.substr(kBestWeights.size()), t.clone());
    else if (name == "trainer_best_epoch")
      best_epoch = static_cast<int64_t>(t.item<double>());
    else
      rule.emplace_back(name, t);
  }
  NABLA_CHECK(best_epoch.has_value(), "EarlyStopping::load_state_dict", "no 'trainer_best_epoch' in the state dict");
  rule_.load_state_dict(rule);  // checks its own keys
  best_epoch_ = *best_epoch;
  best_weights_ = std::move(weights);
}

void LRSchedulerCallback::on_batch_end(Trainer&, const BatchLogs&) {
  if (per_batch_) scheduler_.step();
}

void LRSchedulerCallback::on_epoch_end(Trainer&, int64_t, Logs&) {
  if (!per_batch_) scheduler_.step();
}

void ReduceLROnPlateauCallback::on_epoch_end(Trainer&, int64_t, Logs& logs) {
  scheduler_.step(monitored(logs, monitor_, "ReduceLROnPlateauCallback"));
}

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions options)
    : options_(std::move(options)),
      best_(options_.mode == optim::Mode::min ? std::numeric_limits<double>::infinity()
                                              : -std::numeric_limits<double>::infinity()) {
  NABLA_CHECK(!options_.path.empty(), "ModelCheckpoint", "no path");
  NABLA_CHECK(options_.every_n_epochs >= 1, "ModelCheckpoint", "every_n_epochs must be >= 1, got ",
              options_.every_n_epochs);
}

void ModelCheckpoint::on_epoch_end(Trainer& trainer, int64_t epoch, Logs& logs) {
  if ((epoch + 1) % options_.every_n_epochs != 0) return;
  if (!options_.monitor.empty()) {
    const double value = monitored(logs, options_.monitor, "ModelCheckpoint");
    const bool improved = options_.mode == optim::Mode::min ? value < best_ : value > best_;
    if (!improved) return;  // also when value is NaN
    best_ = value;
  }
  std::string path = options_.path.string();
  if (const size_t at = path.find("{epoch}"); at != std::string::npos)
    path.replace(at, 7, std::to_string(epoch + 1));
  io::save_checkpoint(path, {.model = &trainer.model(),
                             .optimizer = &trainer.optimizer(),
                             .scheduler = options_.scheduler,
                             .epoch = epoch + 1});
  last_saved_ = path;
}

}  // namespace nabla::train
