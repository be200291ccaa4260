#pragma once
// Learning-rate schedulers, PyTorch 1.13's torch.optim.lr_scheduler. They set the "lr"
// of each of an optimizer's param groups, with PyTorch's recursive (chainable) rules, so
// their sequences match PyTorch's to the last bit and they compose with other changes of
// the lr the same way:
//
//   optim::SGD opt(model.parameters(), {.lr = 0.1, .momentum = 0.9});
//   optim::CosineAnnealingLR sched(opt, {.T_max = 100});
//   for (int epoch = 0; epoch < 100; ++epoch) { train_one_epoch(opt); sched.step(); }
//
// Construction performs PyTorch's initial step (epoch 0), which already sets the first
// lr (LinearLR's start_factor, OneCycleLR's max_lr / div_factor). base_lrs are the
// groups' "initial_lr", which the first scheduler of an optimizer sets to their lr.
//
// state_dict() holds "last_epoch" and "_step_count" (0-d float64), "base_lrs" and
// "_last_lr" (1-D float64, one per group). To resume, build the optimizer and the
// scheduler as before, then load both state dicts (the optimizer's restores the groups'
// lr and the keys schedulers add to them).
#include <cstdint>
#include <limits>
#include <vector>

#include "nabla/optim/mode.h"
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // Advances one epoch (or one batch, for OneCycleLR) and sets the groups' lr.
  void step();
  // The lr of each group set by the last step.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  int64_t last_epoch() const { return last_epoch_; }

  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

 protected:
  explicit LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {}
  // PyTorch's base initialisation and _initial_step; every derived constructor ends
  // with it (a base constructor cannot call get_lr).
  void initial_step();
  // The lr of every group at epoch last_epoch() (PyTorch's get_lr).
  virtual std::vector<double> get_lr() = 0;
  std::vector<ParamGroup>& groups() { return optimizer_.param_groups(); }
  // The current lr of each group.
  std::vector<double> group_lrs() const;

  Optimizer& optimizer_;

 private:
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
};

// lr *= gamma every step_size epochs.
struct StepLROptions {
  int64_t step_size = 0;  // required
  double gamma = 0.1;
};
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, StepLROptions options);

 private:
  std::vector<double> get_lr() override;
  StepLROptions options_;
};

// lr *= gamma at each milestone epoch (a milestone listed k times multiplies by gamma^k).
struct MultiStepLROptions {
  std::vector<int64_t> milestones{};
  double gamma = 0.1;
};
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, MultiStepLROptions options);

 private:
  std::vector<double> get_lr() override;
  MultiStepLROptions options_;
};

// lr *= gamma every epoch.
struct ExponentialLROptions {
  double gamma = std::numeric_limits<double>::quiet_NaN();  // required
};
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, ExponentialLROptions options);

 private:
  std::vector<double> get_lr() override;
  ExponentialLROptions options_;
};

// lr = eta_min + (base_lr - eta_min) (1 + cos(π epoch / T_max)) / 2, by PyTorch's
// recursion (which continues as a cosine wave past T_max).
struct CosineAnnealingLROptions {
  int64_t T_max = 0;  // required
  double eta_min = 0;
};
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, CosineAnnealingLROptions options);

 private:
  std::vector<double> get_lr() override;
  CosineAnnealingLROptions options_;
};

// The lr factor goes linearly from start_factor to end_factor over total_iters epochs
// (a warm-up with the defaults).
struct LinearLROptions {
  double start_factor = 1.0 / 3;
  double end_factor = 1.0;
  int64_t total_iters = 5;
};
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, LinearLROptions options);

 private:
  std::vector<double> get_lr() override;
  LinearLROptions options_;
};

enum class AnnealStrategy { cos, linear };

// The 1cycle policy, stepped once per batch: the lr rises from max_lr / div_factor to
// max_lr over pct_start of total_steps, then falls to max_lr / (div_factor *
// final_div_factor) (three_phase: back to the initial lr first, then down). With
// cycle_momentum the groups' momentum (SGD, RMSprop) or betas.0 (Adam, AdamW) moves
// the opposite way between max_momentum and base_momentum. max_lr, base_momentum and
// max_momentum hold one value for all groups or one per group. The groups get
// PyTorch's extra keys "initial_lr", "max_lr", "min_lr" ("max_momentum",
// "base_momentum").
struct OneCycleLROptions {
  std::vector<double> max_lr{};  // required
  int64_t total_steps = 0;     // or epochs * steps_per_epoch
  int64_t epochs = 0;
  int64_t steps_per_epoch = 0;
  double pct_start = 0.3;
  AnnealStrategy anneal_strategy = AnnealStrategy::cos;
  bool cycle_momentum = true;
  std::vector<double> base_momentum = {0.85};
  std::vector<double> max_momentum = {0.95};
  double div_factor = 25;
  double final_div_factor = 1e4;
  bool three_phase = false;
};
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, OneCycleLROptions options);
  int64_t total_steps() const { return total_steps_; }

 private:
  struct Phase {
    double end_step;
    const char *start_lr, *end_lr, *start_momentum, *end_momentum;
  };
  std::vector<double> get_lr() override;
  double anneal(double start, double end, double pct) const;

  OneCycleLROptions options_;
  int64_t total_steps_;
  std::vector<Phase> phases_;
  const char* momentum_key_ = nullptr;  // "momentum" or "betas.0" when cycling
};

enum class ThresholdMode { rel, abs };

// Multiplies the lr by factor (not below min_lr) once the metric passed to step() has
// not improved for more than `patience` epochs, then waits `cooldown` epochs. An
// improvement beats the best by more than threshold (relative: best · (1 ∓ threshold);
// absolute: best ∓ threshold). Reductions smaller than eps are skipped. min_lr holds one
// value for all groups or one per group.
struct ReduceLROnPlateauOptions {
  Mode mode = Mode::min;
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  ThresholdMode threshold_mode = ThresholdMode::rel;
  int64_t cooldown = 0;
  std::vector<double> min_lr = {0};
  double eps = 1e-8;
};
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options = {});
  ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
  ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

  void step(double metric);
  // The lr of each group after the last step (the initial lr before the first).
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  int64_t last_epoch() const { return last_epoch_; }

  // "best", "num_bad_epochs", "cooldown_counter", "last_epoch" (0-d float64) and
  // "_last_lr" (1-D float64).
  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

 private:
  bool is_better(double a, double best) const;

  Optimizer& optimizer_;
  ReduceLROnPlateauOptions options_;
  std::vector<double> min_lrs_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace nabla::optim
