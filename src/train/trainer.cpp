#include "nabla/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/shape_ops.h"
#include "nabla/train/interrupt.h"
#include "nabla/train/progress_bar.h"

namespace nabla::train {
namespace {

// Puts a module in eval mode for a scope and restores its mode after, even on an exception.
class EvalScope {
 public:
  explicit EvalScope(nn::Module& m) : module_(m), was_training_(m.is_training()) { m.eval(); }
  ~EvalScope() { module_.train(was_training_); }
  EvalScope(const EvalScope&) = delete;
  EvalScope& operator=(const EvalScope&) = delete;

 private:
  nn::Module& module_;
  bool was_training_;
};

}  // namespace

void History::append(const Logs& logs) {
  for (const auto& [name, value] : logs) {
    std::vector<double>& column = values_[name];
    // A name first logged at a later epoch (a callback added it) is NaN before.
    column.resize(epochs_, NAN);
    column.push_back(value);
  }
  ++epochs_;
  for (auto& [name, column] : values_) column.resize(epochs_, NAN);
}

const std::vector<double>& History::operator[](const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) {
    std::string known;
    for (const auto& [n, v] : values_) known += (known.empty() ? "" : ", ") + n;
    detail::fail("History", "no values named '", name, "' (it has: ", known.empty() ? "nothing yet" : known, ")");
  }
  return it->second;
}

nn::StateDict History::state_dict() const {
  nn::StateDict state;
  for (const auto& [name, column] : values_) state.emplace_back(name, from_vector(column, {epochs_}));
  return state;
}

void History::load_state_dict(const nn::StateDict& state) {
  std::map<std::string, std::vector<double>> values;
  int64_t epochs = 0;
  for (const auto& [name, tensor] : state) {
    NABLA_CHECK(tensor.dim() == 1 && (values.empty() || tensor.size(0) == epochs), "History::load_state_dict",
                "'", name, "' has shape ", tensor.shape(), ", expected [", epochs, "]");
    epochs = tensor.size(0);
    values[name] = tensor.to_vector<double>();
  }
  values_ = std::move(values);
  epochs_ = epochs;
}

// One pass over a loader: the sample-weighted loss and, when metrics are wanted, every
// output and target (detached) for computing them over the whole pass.
struct Trainer::Pass {
  double loss_sum = 0;
  int64_t samples = 0;
  Logs metric_sums{};  // per-batch metrics weighted by batch size, for the batch logs
  std::vector<Tensor> outputs, targets;
  double seconds = 0;
};

Trainer::Trainer(nn::UnaryModule& model, optim::Optimizer& optimizer, LossFunction loss, TrainerOptions options)
    : model_(model), optimizer_(optimizer), loss_(std::move(loss)), options_(std::move(options)) {
  NABLA_CHECK(loss_ != nullptr, "Trainer", "no loss function");
  NABLA_CHECK(options_.epochs >= 0, "Trainer", "epochs must be >= 0, got ", options_.epochs);
  for (const auto& [name, metric] : options_.metrics)
    NABLA_CHECK(metric != nullptr && !name.empty() && name != "loss", "Trainer", "metric '", name,
                "' needs a function and a name other than 'loss'");
  callbacks_ = options_.callbacks;
  for (const auto& cb : callbacks_) NABLA_CHECK(cb != nullptr, "Trainer", "null callback");
  if (options_.progress_bar) callbacks_.push_back(std::make_shared<ProgressBar>());
}

void Trainer::set_epoch(int64_t epoch) {
  NABLA_CHECK(epoch >= 0, "Trainer", "epoch must be >= 0, got ", epoch);
  epoch_ = epoch;
}

void Trainer::check_finite(double loss, int64_t batch) const {
  NABLA_CHECK(std::isfinite(loss), "Trainer", "the loss is ", loss, " at epoch ", epoch_, ", batch ", batch,
              " (a learning rate too high, or bad data?)");
}

void Trainer::throw_interrupted(int64_t batch, int64_t batches) const {
  std::string resume = "; without TrainerOptions::checkpoint, nothing was saved";
  if (!options_.checkpoint.empty())
    resume = epoch_ == 0 ? "; no epoch had ended, so there is no checkpoint yet"
                         : "; " + options_.checkpoint.string() + " holds the first " + std::to_string(epoch_) +
                               " epoch(s), and resume = true continues from there";
  check_interrupt("Trainer", " at epoch " + std::to_string(epoch_ + 1) + ", batch " + std::to_string(batch + 1) +
                                 " of " + std::to_string(batches) + resume);
}

Trainer::Pass Trainer::run_pass(data::DataLoader& loader, bool training) {
  using Clock = std::chrono::steady_clock;
  const bool keep_outputs = !options_.metrics.empty();
  Pass pass;
  const auto start = Clock::now();
  int64_t batch = 0;
  const int64_t batches = loader.size();
  for (const auto& [input, target] : loader) {
    Tensor output, loss;
    if (training) {
      optimizer_.zero_grad();
      output = model_(input);
      loss = loss_(output, target);
      loss.backward();
      optimizer_.step();
    } else {
      output = model_(input);
      loss = loss_(output, target);
    }
    const double value = loss.item<double>();
    check_finite(value, batch);
    const int64_t n = input.size(0);
    pass.loss_sum += value * static_cast<double>(n);
    pass.samples += n;
    if (keep_outputs) {
      pass.outputs.push_back(output.detach());
      pass.targets.push_back(target);
    }
    if (training) {
      BatchLogs logs{.epoch = epoch_,
                     .batch = batch,
                     .batches = batches,
                     .samples = pass.samples,
                     .loss = value,
                     .mean_loss = pass.loss_sum / static_cast<double>(pass.samples),
                     .seconds = std::chrono::duration<double>(Clock::now() - start).count()};
      for (const auto& [name, metric] : options_.metrics) {
        double& sum = pass.metric_sums[name];
        sum += metric(output.detach(), target) * static_cast<double>(n);
        logs.mean_metrics[name] = sum / static_cast<double>(pass.samples);
      }
      for (const auto& cb : callbacks_) cb->on_batch_end(*this, logs);
      if (interrupt_requested()) throw_interrupted(batch, batches);
    }
    ++batch;
  }
  NABLA_CHECK(pass.samples > 0, "Trainer", "the data loader yielded no batches");
  pass.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return pass;
}

Logs Trainer::logs_of(const Pass& pass) const {
  Logs logs{{"loss", pass.loss_sum / static_cast<double>(pass.samples)}};
  if (!options_.metrics.empty()) {
    const Tensor outputs = cat(pass.outputs, 0), targets = cat(pass.targets, 0);
    for (const auto& [name, metric] : options_.metrics) logs[name] = metric(outputs, targets);
  }
  return logs;
}

io::Checkpoint Trainer::checkpoint_parts() {
  io::Checkpoint parts{.model = &model_, .optimizer = &optimizer_, .extra = options_.checkpoint_state};
  parts.extra.emplace_back("history", &history_);
  return parts;
}

void Trainer::save_checkpoint() {
  io::Checkpoint parts = checkpoint_parts();
  parts.epoch = epoch_;
  // Built as a std::string: assigning the literal trips a false GCC 12 -Wrestrict warning.
  parts.metadata["trainer.stopped"] = std::string(stop_ ? "1" : "0");
  io::save_checkpoint(options_.checkpoint, parts);
}

int64_t Trainer::resume_from_checkpoint(data::DataLoader& train) {
  io::Checkpoint parts = checkpoint_parts();
  io::load_checkpoint(options_.checkpoint, parts);
  epoch_ = parts.epoch;
  train.set_epoch(epoch_);  // the loader's shuffle continues where the run left off
  return parts.metadata["trainer.stopped"] == "1" ? -1 : parts.epoch;
}

const History& Trainer::fit(data::DataLoader& train, data::DataLoader* validation) {
  stop_ = false;
  for (const auto& cb : callbacks_) cb->on_train_begin(*this);
  int64_t epochs = options_.epochs;
  // After on_train_begin, so the callbacks' restored state is not reset.
  if (options_.resume && !options_.checkpoint.empty() && std::filesystem::exists(options_.checkpoint)) {
    const int64_t done = resume_from_checkpoint(train);
    epochs = done < 0 ? 0 : std::max<int64_t>(0, epochs - done);
  }
  for (int64_t i = 0; i < epochs && !stop_; ++i) {
    for (const auto& cb : callbacks_) cb->on_epoch_begin(*this, epoch_);
    model_.train();
    const Pass pass = run_pass(train, true);
    Logs logs = logs_of(pass);
    logs["lr"] = optimizer_.param_groups().front().options.at("lr");
    logs["seconds"] = pass.seconds;
    logs["samples_per_second"] = static_cast<double>(pass.samples) / pass.seconds;
    if (validation != nullptr)
      for (const auto& [name, value] : evaluate(*validation)) logs["val_" + name] = value;
    for (const auto& cb : callbacks_) cb->on_epoch_end(*this, epoch_, logs);
    history_.append(logs);
    ++epoch_;
    if (!options_.checkpoint.empty()) save_checkpoint();
  }
  for (const auto& cb : callbacks_) cb->on_train_end(*this);
  return history_;
}

Logs Trainer::evaluate(data::DataLoader& loader) {
  EvalScope eval(model_);
  NoGradGuard no_grad;
  return logs_of(run_pass(loader, false));
}

Tensor Trainer::predict(data::DataLoader& loader) {
  EvalScope eval(model_);
  NoGradGuard no_grad;
  std::vector<Tensor> outputs;
  for (const auto& [input, target] : loader) outputs.push_back(model_(input));
  NABLA_CHECK(!outputs.empty(), "Trainer::predict", "the data loader yielded no batches");
  return cat(outputs, 0);
}

}  // namespace nabla::train
