#pragma once
// Keras-style progress: on a terminal, a bar redrawn in place during each epoch
//   Epoch 3/10 [=========>          ] 120/469  loss 0.4123  accuracy 0.8512  3,204 samples/s  ETA 0:12
// and one summary line per epoch (every log value); elsewhere (a log file, a pipe) only
// the summary lines, so logs stay readable.
#include <chrono>
#include <iosfwd>
#include <optional>

#include "nabla/train/callback.h"

namespace nabla::train {

struct ProgressBarOptions {
  std::ostream* stream = nullptr;  // standard output when null
  // Redraw a live bar; by default only when the stream is standard output or standard error
  // and that is a terminal.
  std::optional<bool> live{};
  int width = 30;  // characters of the bar
};

class ProgressBar : public Callback {
 public:
  explicit ProgressBar(ProgressBarOptions options = {});

  void on_train_begin(Trainer& trainer) override;
  void on_batch_end(Trainer& trainer, const BatchLogs& logs) override;
  void on_epoch_end(Trainer& trainer, int64_t epoch, Logs& logs) override;

  // What the callbacks do, for a hand-written training loop to call itself:
  //   bar.start(epochs);  ...  bar.show_batch({.epoch = e, .batch = b, ...});  ...  bar.show_epoch(e, logs);
  void start(int64_t last_epoch);  // the 1-based number of the last epoch
  void show_batch(const BatchLogs& logs);
  // The summary line: "seconds" and "samples_per_second" from `logs`, then every other value.
  void show_epoch(int64_t epoch, const Logs& logs);

 private:
  std::ostream& out_;
  bool live_;
  int width_;
  int64_t last_epoch_ = 0;  // 1-based number of the last epoch of this fit
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace nabla::train
