#include "nabla/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "nabla/autograd/grad_mode.h"
#include "nabla/data/subset.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
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

// Process `rank`'s block of n items cut into world_size contiguous blocks whose sizes differ by
// one at most: [begin, end).
std::pair<int64_t, int64_t> block_of(int64_t n, const DistributedStrategy& group) {
  const int64_t world = group.world_size(), rank = group.rank();
  return {n * rank / world, n * (rank + 1) / world};
}

// Process `rank`'s part of a training batch (its block of the samples), and the factor of its
// loss that makes the processes' mean gradient the whole batch's, the loss being a mean over
// samples. A process whose part is empty trains on the batch's first sample with factor 0, so
// that its backward still takes part in the gradients' reduction.
struct Part {
  Tensor input, target;
  int64_t samples = 0;
  double loss_factor = 0;
};

Part part_of(const Tensor& input, const Tensor& target, const DistributedStrategy& group) {
  const int64_t n = input.size(0);
  auto [begin, end] = block_of(n, group);
  const int64_t samples = end - begin;
  if (samples == 0) end = (begin = 0) + 1;
  const auto rows = [&](const Tensor& t) { return t.defined() ? t.narrow(0, begin, end - begin) : t; };
  return {rows(input), rows(target), samples,
          static_cast<double>(group.world_size() * samples) / static_cast<double>(n)};
}

// Process `rank`'s contiguous block of the loader's sample order, for evaluation: the blocks
// in rank order are the order itself.
data::DataLoader evaluation_shard(const data::DataLoader& loader, const DistributedStrategy& group) {
  const Tensor order = loader.order();
  const auto [begin, end] = block_of(order.numel(), group);
  NABLA_CHECK(end > begin, "Trainer", "the ", order.numel(), " samples to evaluate are fewer than the ",
              group.world_size(), " processes");
  return data::DataLoader(
      data::Subset(loader.shared_dataset(), order.narrow(0, begin, end - begin)),
      {.batch_size = loader.options().batch_size, .seed = 0, .prefetch = loader.options().prefetch});
}

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
  if (options_.progress_bar && is_main_process()) callbacks_.push_back(std::make_shared<ProgressBar>());
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
  DistributedStrategy* group = parallel();
  Pass pass;
  const auto start = Clock::now();
  int64_t batch = 0;
  const int64_t batches = loader.size();
  for (const auto& [batch_input, batch_target] : loader) {
    // Under several processes, this one's part of a training batch.
    const Part part = training && group != nullptr ? part_of(batch_input, batch_target, *group)
                                                   : Part{batch_input, batch_target, batch_input.size(0), 1};
    const Tensor &input = part.input, &target = part.target;
    Tensor output, loss;
    if (training) {
      optimizer_.zero_grad();
      output = model_(input);
      loss = loss_(output, target);
      (part.loss_factor == 1 ? loss : loss * part.loss_factor).backward();
      optimizer_.step();
    } else {
      output = model_(input);
      loss = loss_(output, target);
    }
    const auto n = static_cast<double>(part.samples);
    if (keep_outputs && part.samples > 0) {
      pass.outputs.push_back(output.detach());
      pass.targets.push_back(target);
    }
    if (!training) {
      const double value = loss.item<double>();
      check_finite(value, batch++);
      pass.loss_sum += value * n;
      pass.samples += part.samples;
      continue;
    }
    // The batch's loss and metrics over every process's share of it.
    std::vector<double> sums{loss.item<double>() * n, n};
    for (const auto& [name, metric] : options_.metrics)
      sums.push_back(part.samples > 0 ? metric(output.detach(), target) * n : 0.0);
    if (group != nullptr) group->all_reduce(sums);
    const double value = sums[0] / sums[1];
    check_finite(value, batch);
    pass.loss_sum += sums[0];
    pass.samples += static_cast<int64_t>(sums[1]);
    BatchLogs logs{.epoch = epoch_,
                   .batch = batch,
                   .batches = batches,
                   .samples = pass.samples,
                   .loss = value,
                   .mean_loss = pass.loss_sum / static_cast<double>(pass.samples),
                   .seconds = std::chrono::duration<double>(Clock::now() - start).count()};
    for (size_t i = 0; i < options_.metrics.size(); ++i) {
      double& sum = pass.metric_sums[options_.metrics[i].first];
      sum += sums[2 + i];
      logs.mean_metrics[options_.metrics[i].first] = sum / static_cast<double>(pass.samples);
    }
    for (const auto& cb : callbacks_) cb->on_batch_end(*this, logs);
    if (stop_requested_anywhere()) throw_interrupted(batch, batches);
    ++batch;
  }
  if (!training && group != nullptr) {
    std::vector<double> sums{pass.loss_sum, static_cast<double>(pass.samples)};
    group->all_reduce(sums);
    pass.loss_sum = sums[0];
    pass.samples = static_cast<int64_t>(sums[1]);
  }
  NABLA_CHECK(pass.samples > 0, "Trainer", "the data loader yielded no batches");
  pass.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return pass;
}

Trainer::Pass Trainer::run_evaluation(data::DataLoader& loader) {
  DistributedStrategy* group = parallel();
  if (group == nullptr) return run_pass(loader, false);
  data::DataLoader shard = evaluation_shard(loader, *group);
  Pass pass = run_pass(shard, false);
  loader.set_epoch(loader.epoch() + 1);
  return pass;
}

Logs Trainer::logs_of(const Pass& pass) const {
  Logs logs{{"loss", pass.loss_sum / static_cast<double>(pass.samples)}};
  if (!options_.metrics.empty()) {
    Tensor outputs = cat(pass.outputs, 0), targets = cat(pass.targets, 0);
    if (DistributedStrategy* group = parallel()) {
      outputs = group->all_gather(outputs);
      targets = group->all_gather(targets);
    }
    for (const auto& [name, metric] : options_.metrics) logs[name] = metric(outputs, targets);
  }
  return logs;
}

DistributedStrategy* Trainer::parallel() const {
  return options_.distributed != nullptr && options_.distributed->world_size() > 1
             ? options_.distributed.get()
             : nullptr;
}

bool Trainer::is_main_process() const {
  return options_.distributed == nullptr || options_.distributed->rank() == 0;
}

bool Trainer::stop_requested_anywhere() const {
  DistributedStrategy* group = parallel();
  if (group == nullptr) return interrupt_requested();
  // All processes stop after the same batch, also those that did not get the signal.
  std::vector<double> requested{interrupt_requested() ? 1.0 : 0.0};
  group->all_reduce(requested);
  if (requested[0] > 0) request_interrupt();
  return requested[0] > 0;
}

void Trainer::agree(Logs& logs) const {
  DistributedStrategy* group = parallel();
  if (group == nullptr) return;
  std::vector<double> values;
  for (const auto& [name, value] : logs) values.push_back(value);
  group->broadcast(values);
  size_t i = 0;
  for (auto& [name, value] : logs) value = values[i++];
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

bool Trainer::checkpoint_exists() const {
  // Rank 0's answer, which writes the checkpoints: the processes must all resume or all not.
  std::vector<double> exists{std::filesystem::exists(options_.checkpoint) ? 1.0 : 0.0};
  if (DistributedStrategy* group = parallel()) group->broadcast(exists);
  return exists[0] > 0;
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
  if (options_.resume && !options_.checkpoint.empty() && checkpoint_exists()) {
    const int64_t done = resume_from_checkpoint(train);
    epochs = done < 0 ? 0 : std::max<int64_t>(0, epochs - done);
  }
  const std::unique_ptr<Replica> replica = parallel() != nullptr ? parallel()->replicate(model_) : nullptr;
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
    agree(logs);
    for (const auto& cb : callbacks_) cb->on_epoch_end(*this, epoch_, logs);
    history_.append(logs);
    ++epoch_;
    if (!options_.checkpoint.empty() && is_main_process()) save_checkpoint();
  }
  for (const auto& cb : callbacks_) cb->on_train_end(*this);
  return history_;
}

Logs Trainer::evaluate(data::DataLoader& loader) {
  EvalScope eval(model_);
  NoGradGuard no_grad;
  Logs logs = logs_of(run_evaluation(loader));
  agree(logs);
  return logs;
}

Tensor Trainer::predict(data::DataLoader& loader) {
  EvalScope eval(model_);
  NoGradGuard no_grad;
  DistributedStrategy* group = parallel();
  std::optional<data::DataLoader> shard;
  if (group != nullptr) shard.emplace(evaluation_shard(loader, *group));
  std::vector<Tensor> outputs;
  for (const auto& [input, target] : shard ? *shard : loader) outputs.push_back(model_(input));
  NABLA_CHECK(!outputs.empty(), "Trainer::predict", "the data loader yielded no batches");
  if (group == nullptr) return cat(outputs, 0);
  loader.set_epoch(loader.epoch() + 1);
  return group->all_gather(cat(outputs, 0));
}

}  // namespace nabla::train
