#pragma once
// Early stopping on a validation metric (Keras's EarlyStopping rule):
//
//   optim::EarlyStopping stop({.patience = 5, .min_delta = 1e-4});
//   for (int epoch = 0; ; ++epoch) {
//     train_one_epoch();
//     if (stop.step(validation_loss())) break;  // stop.best_epoch() was the best one
//   }
//
// A metric improves on the best so far when it is lower by more than min_delta (mode
// min) or higher by more than min_delta (mode max); the first one always does, a NaN
// never does. Training should stop once `patience` consecutive epochs have not improved.
#include <cstdint>
#include <limits>

#include "nabla/optim/mode.h"
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct EarlyStoppingOptions {
  int64_t patience = 10;
  double min_delta = 0;
  Mode mode = Mode::min;
};

class EarlyStopping {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});

  // Records the metric of the epoch just finished; returns should_stop().
  bool step(double metric);
  bool should_stop() const { return num_bad_epochs_ > 0 && num_bad_epochs_ >= options_.patience; }
  // The 0-based epoch (call of step) with the best metric; -1 before the first step.
  int64_t best_epoch() const { return best_epoch_; }
  // The best metric so far (+inf for min, -inf for max before the first step).
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  // Epochs recorded so far.
  int64_t epoch() const { return epoch_; }

  // "best", "best_epoch", "num_bad_epochs", "epoch" as 0-d float64 tensors; load into an
  // EarlyStopping built with the same options.
  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

 private:
  EarlyStoppingOptions options_;
  double best_;
  int64_t best_epoch_ = -1;
  int64_t num_bad_epochs_ = 0;
  int64_t epoch_ = 0;
};

}  // namespace nabla::optim
