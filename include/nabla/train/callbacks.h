#pragma once
// The callbacks Keras users reach for. Each is a train::Callback for TrainerOptions::callbacks.
#include <filesystem>
#include <string>

#include "nabla/io/checkpoint.h"
#include "nabla/nn/module.h"
#include "nabla/optim/early_stopping.h"
#include "nabla/optim/lr_scheduler.h"
#include "nabla/train/callback.h"

namespace nabla::train {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  int64_t patience = 10;
  double min_delta = 0;
  optim::Mode mode = optim::Mode::min;
  // At the end of training, load the weights of the best epoch back into the model.
  bool restore_best_weights = false;
};

// Stops training once `monitor` has not improved for `patience` epochs (optim::EarlyStopping's
// rule). A missing monitored value is an error naming the values there are.
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_epoch_end(Trainer& trainer, int64_t epoch, Logs& logs) override;
  void on_train_end(Trainer& trainer) override;

  const optim::EarlyStopping& rule() const { return rule_; }
  // The epoch (0-based, counted like Trainer::epoch) with the best value; -1 before any.
  int64_t best_epoch() const { return best_epoch_; }

  // The rule's state, "trainer_best_epoch" and the best weights ("best_weights.<name>"), so
  // that a resumed run (TrainerOptions::checkpoint_state) stops and restores as it would have.
  nn::StateDict state_dict() const;
  void load_state_dict(const nn::StateDict& state);

 private:
  EarlyStoppingOptions options_;
  optim::EarlyStopping rule_;
  int64_t best_epoch_ = -1;
  nn::StateDict best_weights_;
};

// Steps an LR scheduler after every epoch (or, with per_batch, every batch: OneCycleLR).
class LRSchedulerCallback : public Callback {
 public:
  explicit LRSchedulerCallback(optim::LRScheduler& scheduler, bool per_batch = false)
      : scheduler_(scheduler), per_batch_(per_batch) {}
  void on_batch_end(Trainer&, const BatchLogs&) override;
  void on_epoch_end(Trainer&, int64_t epoch, Logs& logs) override;

 private:
  optim::LRScheduler& scheduler_;
  bool per_batch_;
};

// Steps ReduceLROnPlateau with the monitored value after every epoch.
class ReduceLROnPlateauCallback : public Callback {
 public:
  explicit ReduceLROnPlateauCallback(optim::ReduceLROnPlateau& scheduler, std::string monitor = "val_loss")
      : scheduler_(scheduler), monitor_(std::move(monitor)) {}
  void on_epoch_end(Trainer&, int64_t epoch, Logs& logs) override;

 private:
  optim::ReduceLROnPlateau& scheduler_;
  std::string monitor_;
};

struct ModelCheckpointOptions {
  // The checkpoint file; "{epoch}" in it becomes the 1-based epoch number, so every save
  // keeps its own file (without it each save replaces the last, atomically).
  std::filesystem::path path{};
  int64_t every_n_epochs = 1;
  // When set, save only at epochs where this value improves on the best so far (Keras's
  // save_best_only); NaN never improves.
  std::string monitor{};
  optim::Mode mode = optim::Mode::min;
  // Saved too, so that training resumes with it (an LR scheduler, EarlyStopping, ...).
  io::Stateful scheduler{};
};

// Saves a training checkpoint (io::save_checkpoint: model, optimizer, scheduler, epoch =
// epochs done, the random generator) every N epochs or on a new best value. To resume: load
// it into freshly built objects, then trainer.set_epoch(checkpoint.epoch) and
// loader.set_epoch(checkpoint.epoch), and fit on. Callbacks run in the order given, so list
// it after the callbacks whose state it saves (an LRSchedulerCallback steps at epoch end).
class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(ModelCheckpointOptions options);
  void on_epoch_end(Trainer& trainer, int64_t epoch, Logs& logs) override;
  // The file written last; empty before the first save.
  const std::filesystem::path& last_saved() const { return last_saved_; }

 private:
  ModelCheckpointOptions options_;
  double best_;
  std::filesystem::path last_saved_;
};

// logs[name], or a nabla::Error from `who` naming the values there are.
double monitored(const Logs& logs, const std::string& name, const char* who);

}  // namespace nabla::train
