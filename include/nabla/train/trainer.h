#pragma once
// The high-level training loop one seed teaches (Keras's fit / evaluate / predict), built
// on the plain zero_grad / forward / backward / step loop:
//
//   auto loss = [](const Tensor& logits, const Tensor& labels) { return nn::functional::cross_entropy(logits,
//   labels); }; train::Trainer trainer(model, optimizer, loss, {.epochs = 10, .metrics = {{"accuracy",
//   data::accuracy}},
//                                                   .callbacks =
//                                                   {std::make_shared<train::EarlyStopping>()}});
//   train::History history = trainer.fit(train_loader, &validation_loader);
//   double best = history["val_accuracy"].back();
//
// Losses are averaged over samples (the batch means weighted by batch size). Metrics are
// computed on the whole epoch's outputs and targets at once, so RMSE or R² are exact, not
// averages of per-batch values. A non-finite loss stops training with an error.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nabla/data/dataloader.h"
#include "nabla/io/checkpoint.h"
#include "nabla/nn/unary_module.h"
#include "nabla/optim/optimizer.h"
#include "nabla/train/callback.h"
#include "nabla/train/distributed_strategy.h"

namespace nabla::train {

using LossFunction = std::function<Tensor(const Tensor& output, const Tensor& target)>;
using MetricFunction = std::function<double(const Tensor& output, const Tensor& target)>;

// Keras's History.history: one value per epoch for each name of the epoch logs.
class History {
 public:
  void append(const Logs& logs);
  // The values of `name`, one per epoch; throws nabla::Error naming the known ones.
  const std::vector<double>& operator[](const std::string& name) const;
  bool contains(const std::string& name) const { return values_.contains(name); }
  int64_t epochs() const { return epochs_; }
  const std::map<std::string, std::vector<double>>& values() const { return values_; }
  // Each name's values as a float64 tensor, for checkpoints (io::Stateful).
  nn::StateDict state_dict() const;
  void load_state_dict(const nn::StateDict& state);

 private:
  std::map<std::string, std::vector<double>> values_;
  int64_t epochs_ = 0;
};

struct TrainerOptions {
  int64_t epochs = 1;
  std::vector<std::pair<std::string, MetricFunction>> metrics{};
  std::vector<std::shared_ptr<Callback>> callbacks{};
  // A ProgressBar on standard output (a live bar on a terminal, a line per epoch otherwise).
  bool progress_bar = true;
  // Where fit() saves a checkpoint after every epoch (io::save_checkpoint, atomically: the
  // model, the optimizer, checkpoint_state, the epochs done, the random generator and the
  // history), so that an interrupted run can resume. Empty: none.
  std::filesystem::path checkpoint{};
  // fit() first loads `checkpoint` when the file exists and trains only the epochs of
  // `epochs` it does not hold yet (none if training had stopped early): the run goes on
  // exactly as if it had never stopped.
  bool resume = false;
  // Further state saved and restored with the checkpoint: an LR scheduler, EarlyStopping, ...
  std::vector<std::pair<std::string, io::Stateful>> checkpoint_state{};
  // Data-parallel training over the strategy's processes, when there is more than one (see
  // distributed_strategy.h). Every process builds the same model, optimizer, loaders and
  // Trainer and calls the same methods. fit() replicates the model (rank 0's weights) and
  // every process reads the training loader's batches, which stay the global batches: each
  // process trains on its own contiguous part of every batch (parts whose sizes differ by one
  // at most), its loss weighted by its part's size, so that the averaged gradient is the whole
  // batch's, for any batch size: the parameters of one process, to float rounding (BatchNorm
  // excepted, which normalises each part apart, as under PyTorch's DDP). Losses and metrics are
  // reduced over the processes and every callback sees rank 0's logs, so callbacks decide alike
  // everywhere. evaluate() and predict() split their loader into one contiguous block per
  // process and gather the outputs in order. Only rank 0 saves the checkpoint and shows the
  // default progress bar; resuming reads the checkpoint on every process (on several machines,
  // it must be on a shared file system).
  std::shared_ptr<DistributedStrategy> distributed{};
};

class Trainer {
 public:
  Trainer(nn::UnaryModule& model, optim::Optimizer& optimizer, LossFunction loss, TrainerOptions options = {});

  // Trains for options.epochs more epochs (fewer if a callback stops it), validating after
  // each when `validation` is given; returns the history of every fit so far. Ctrl-C under a
  // train::InterruptHandler throws train::Interrupted after the current batch.
  const History& fit(data::DataLoader& train, data::DataLoader* validation = nullptr);
  // "loss" and each metric over the loader, in eval mode without recording gradients.
  Logs evaluate(data::DataLoader& loader);
  // The model's outputs for every batch, concatenated along dim 0, in eval mode.
  Tensor predict(data::DataLoader& loader);

  // Asks fit() to stop once the current epoch ends (what EarlyStopping calls).
  void stop_training() { stop_ = true; }
  bool stop_requested() const { return stop_; }

  nn::UnaryModule& model() { return model_; }
  optim::Optimizer& optimizer() { return optimizer_; }
  const History& history() const { return history_; }
  // Epochs trained so far (the next epoch's 0-based index); set it when resuming.
  int64_t epoch() const { return epoch_; }
  void set_epoch(int64_t epoch);
  const TrainerOptions& options() const { return options_; }

 private:
  struct Pass;
  Pass run_pass(data::DataLoader& loader, bool training);
  Logs logs_of(const Pass& pass) const;
  void check_finite(double loss, int64_t batch) const;
  // After a Ctrl-C: throws train::Interrupted saying where training stopped and what was saved.
  void throw_interrupted(int64_t batch, int64_t batches) const;
  io::Checkpoint checkpoint_parts();
  // Loads options.checkpoint; returns the epochs it holds, or -1 when training had stopped.
  bool checkpoint_exists() const;
  int64_t resume_from_checkpoint(data::DataLoader& train);
  void save_checkpoint();
  // The strategy when it has more than one process, else null.
  DistributedStrategy* parallel() const;
  // Whether this process writes files and shows progress: rank 0, or the only process.
  bool is_main_process() const;
  // Whether Ctrl-C was pressed, on any of the processes.
  bool stop_requested_anywhere() const;
  // Makes every process's logs rank 0's.
  void agree(Logs& logs) const;
  Pass run_evaluation(data::DataLoader& loader);

  nn::UnaryModule& model_;
  optim::Optimizer& optimizer_;
  LossFunction loss_;
  TrainerOptions options_;
  std::vector<std::shared_ptr<Callback>> callbacks_;  // options' plus the progress bar
  History history_;
  int64_t epoch_ = 0;
  bool stop_ = false;
};

}  // namespace nabla::train
