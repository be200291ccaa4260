#pragma once
// Callbacks: code the Trainer runs at fixed points of fit(), as in Keras. A callback reads
// the trainer (model, optimizer, history) and may ask it to stop after the current epoch.
#include <cstdint>
#include <map>
#include <string>

namespace nabla::train {

class Trainer;

// An epoch's results by name: "loss", each metric, "val_loss", "val_<metric>", "lr" (of the
// first param group), "seconds", "samples_per_second".
using Logs = std::map<std::string, double>;

struct BatchLogs {
  int64_t epoch = 0;
  int64_t batch = 0;     // 0-based within the epoch
  int64_t batches = 0;   // in the epoch
  int64_t samples = 0;   // seen so far in the epoch, this batch included
  double loss = 0;       // this batch's
  double mean_loss = 0;  // over the epoch so far, weighted by batch size
  double seconds = 0;    // since the epoch began
  // Each metric's per-batch values over the epoch so far, weighted by batch size: the running
  // accuracy a progress bar shows (the epoch's logs compute metrics over all outputs at once).
  Logs mean_metrics{};
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Trainer&) {}
  virtual void on_epoch_begin(Trainer&, int64_t /*epoch*/) {}
  virtual void on_batch_end(Trainer&, const BatchLogs&) {}
  // Runs after the epoch's validation; may add entries to logs before they reach the history.
  virtual void on_epoch_end(Trainer&, int64_t /*epoch*/, Logs& /*logs*/) {}
  virtual void on_train_end(Trainer&) {}
};

}  // namespace nabla::train
