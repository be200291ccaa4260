#include "nabla/train/callbacks.h"

#include "nabla/train/trainer.h"

namespace nabla::train {

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

void LRSchedulerCallback::on_batch_end(Trainer&, const BatchLogs&) {
  if (per_batch_) scheduler_.step();
}

void LRSchedulerCallback::on_epoch_end(Trainer&, int64_t, Logs&) {
  if (!per_batch_) scheduler_.step();
}

void ReduceLROnPlateauCallback::on_epoch_end(Trainer&, int64_t, Logs& logs) {
  scheduler_.step(monitored(logs, monitor_, "ReduceLROnPlateauCallback"));
}

}  // namespace nabla::train
