#include "nabla/train/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nabla/nabla.h"
#include "nabla/train/callbacks.h"
#include "nabla/train/progress_bar.h"
#include "tests/tensor/test_util.h"

namespace nabla::train {
namespace {

namespace F = nn::functional;

Tensor mse(const Tensor& output, const Tensor& target) { return F::mse_loss(output, target); }

// y = 2 x0 - x1 + 1 plus a little noise, 64 samples.
data::TensorDataset regression_data(uint64_t seed) {
  manual_seed(seed);
  const Tensor x = randn({64, 2});
  const Tensor y = matmul(x, tensor({2.0, -1.0}).reshape({2, 1})) + 1.0 + 0.01 * randn({64, 1});
  return data::TensorDataset(x, y);
}

std::vector<double> flat_parameters(const nn::Module& m) {
  std::vector<double> out;
  for (const Tensor& p : m.parameters())
    for (double v : p.to_vector<double>()) out.push_back(v);
  return out;
}

TEST(Trainer, FitLowersTheLossAndRecordsTheHistory) {
  data::DataLoader train(regression_data(1), {.batch_size = 8, .shuffle = true, .seed = 3});
  data::DataLoader val(regression_data(2), {.batch_size = 16});
  manual_seed(0);
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.05});
  Trainer trainer(model, opt, mse, {.epochs = 20, .progress_bar = false});
  const History& h = trainer.fit(train, &val);
  EXPECT_EQ(h.epochs(), 20);
  EXPECT_EQ(trainer.epoch(), 20);
  for (const char* name : {"loss", "val_loss", "lr", "seconds", "samples_per_second"}) {
    ASSERT_TRUE(h.contains(name)) << name;
    EXPECT_EQ(h[name].size(), 20u) << name;
  }
  EXPECT_LT(h["loss"].back(), 0.01 * h["loss"].front());
  EXPECT_LT(h["val_loss"].back(), 1e-3);
  EXPECT_DOUBLE_EQ(h["lr"].back(), 0.05);
  EXPECT_THROW(h["accuracy"], Error);
}

// fit is the plain loop, nothing more: the same steps give bitwise the same parameters.
TEST(Trainer, FitIsThePlainTrainingLoop) {
  const auto run = [](bool use_trainer) {
    data::DataLoader train(regression_data(1), {.batch_size = 10, .shuffle = true, .seed = 5});
    manual_seed(0);
    nn::MLP model({.sizes = {2, 8, 1}, .activation = nn::Activation::Tanh});
    optim::Adam opt(model.parameters(), {.lr = 1e-2});
    if (use_trainer) {
      Trainer(model, opt, mse, {.epochs = 3, .progress_bar = false}).fit(train);
    } else {
      for (int epoch = 0; epoch < 3; ++epoch)
        for (const auto& [x, y] : train) {
          opt.zero_grad();
          mse(model(x), y).backward();
          opt.step();
        }
    }
    return flat_parameters(model);
  };
  EXPECT_EQ(run(true), run(false));
}

TEST(Trainer, MetricsSeeTheWholeEpoch) {
  data::DataLoader train(regression_data(1), {.batch_size = 10});  // 7 batches, the last of 4
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.01});
  const MetricFunction rows = [](const Tensor& out, const Tensor& target) {
    EXPECT_EQ(out.shape(), target.shape());
    return static_cast<double>(out.size(0));
  };
  Trainer trainer(model, opt, mse, {.epochs = 1, .metrics = {{"rows", rows}}, .progress_bar = false});
  const History& h = trainer.fit(train, &train);
  EXPECT_EQ(h["rows"][0], 64);
  EXPECT_EQ(h["val_rows"][0], 64);
  // The evaluated loss is the mean over samples, not over batches.
  NoGradGuard g;
  const auto& ds = static_cast<const data::TensorDataset&>(train.dataset());
  EXPECT_NEAR(trainer.evaluate(train).at("loss"), mse(model(ds.inputs()), ds.targets()).item<double>(), 1e-6);
}

TEST(Trainer, EarlyStoppingStopsAndRestoresTheBestWeights) {
  data::DataLoader train(regression_data(1), {.batch_size = 64});
  manual_seed(0);
  nn::Linear model({.in_features = 2, .out_features = 1});
  // A learning rate so high that the loss rises after the first epochs.
  optim::SGD opt(model.parameters(), {.lr = 1.05});
  auto stop = std::make_shared<EarlyStopping>(
      EarlyStoppingOptions{.monitor = "loss", .patience = 2, .restore_best_weights = true});
  Trainer trainer(model, opt, mse, {.epochs = 50, .callbacks = {stop}, .progress_bar = false});
  const History& h = trainer.fit(train);
  ASSERT_LT(h.epochs(), 50);
  EXPECT_EQ(h.epochs(), stop->best_epoch() + 3);  // best, then `patience` bad epochs
  // Full batch: an epoch's loss is that of the weights it starts from, so the weights saved
  // after the best epoch have the next epoch's loss.
  const int64_t best = stop->best_epoch();
  EXPECT_NEAR(trainer.evaluate(train).at("loss"), h["loss"][best + 1], 1e-6 * h["loss"][best + 1]);
  EXPECT_LT(h["loss"][best + 1], h["loss"].back());
}

TEST(Trainer, EarlyStoppingNamesAMissingMonitor) {
  data::DataLoader train(regression_data(1), {.batch_size = 64});
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  Trainer trainer(model, opt, mse, {.callbacks = {std::make_shared<EarlyStopping>()}, .progress_bar = false});
  testing::expect_error([&] { trainer.fit(train); }, {"EarlyStopping", "'val_loss'", "loss, lr"});
}

TEST(Trainer, SchedulerCallbackStepsEachEpoch) {
  data::DataLoader train(regression_data(1), {.batch_size = 32});
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  optim::StepLR sched(opt, {.step_size = 1, .gamma = 0.5});
  Trainer trainer(model, opt, mse,
                  {.epochs = 3, .callbacks = {std::make_shared<LRSchedulerCallback>(sched)}, .progress_bar = false});
  const History& h = trainer.fit(train);
  EXPECT_EQ(h["lr"], (std::vector<double>{0.1, 0.05, 0.025}));
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].options.at("lr"), 0.0125);
}

TEST(Trainer, ANonFiniteLossIsAnError) {
  const Tensor x = tensor({1.0, NAN}).reshape({2, 1});
  data::DataLoader train(data::TensorDataset(x, x), {.batch_size = 1});
  nn::Linear model({.in_features = 1, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  Trainer trainer(model, opt, mse, {.progress_bar = false});
  testing::expect_error([&] { trainer.fit(train); }, {"loss is nan at epoch 0, batch 1"});
}

TEST(Trainer, PredictAndEvaluateRunInEvalModeAndRestoreTheMode) {
  data::DataLoader loader(regression_data(1), {.batch_size = 10});
  manual_seed(0);
  nn::MLP model({.sizes = {2, 16, 1}, .dropout = 0.5});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  Trainer trainer(model, opt, mse, {.progress_bar = false});
  model.train();
  const Tensor a = trainer.predict(loader), b = trainer.predict(loader);
  EXPECT_EQ(a.shape(), Shape({64, 1}));
  EXPECT_TRUE(equal(a, b));  // no dropout in eval mode
  EXPECT_FALSE(a.requires_grad());
  EXPECT_TRUE(model.is_training());
  trainer.evaluate(loader);
  EXPECT_TRUE(model.is_training());
}

TEST(Trainer, RejectsBadOptions) {
  nn::Linear model({.in_features = 1, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  EXPECT_THROW(Trainer(model, opt, nullptr), Error);
  EXPECT_THROW(Trainer(model, opt, mse, {.epochs = -1}), Error);
  const MetricFunction any = [](const Tensor&, const Tensor&) { return 0.0; };
  EXPECT_THROW(Trainer(model, opt, mse, {.metrics = {{"loss", any}}}), Error);
  EXPECT_THROW(Trainer(model, opt, mse, {.metrics = {{"rows", nullptr}}}), Error);
}

TEST(ProgressBar, PrintsOneLinePerEpochWhenNotLive) {
  data::DataLoader train(regression_data(1), {.batch_size = 16});
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  std::ostringstream out;
  auto bar = std::make_shared<ProgressBar>(ProgressBarOptions{.stream = &out, .live = false});
  Trainer(model, opt, mse, {.epochs = 2, .callbacks = {bar}, .progress_bar = false}).fit(train);
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("Epoch 1/2"), std::string::npos) << text;
  EXPECT_NE(text.find("Epoch 2/2"), std::string::npos) << text;
  EXPECT_NE(text.find("loss "), std::string::npos) << text;
  EXPECT_NE(text.find("samples/s"), std::string::npos) << text;
}

TEST(ProgressBar, RedrawsTheBarWhenLive) {
  data::DataLoader train(regression_data(1), {.batch_size = 16});
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  std::ostringstream out;
  auto bar = std::make_shared<ProgressBar>(ProgressBarOptions{.stream = &out, .live = true, .width = 8});
  Trainer(model, opt, mse, {.epochs = 1, .callbacks = {bar}, .progress_bar = false}).fit(train);
  const std::string text = out.str();
  EXPECT_NE(text.find("\rEpoch 1/1 [========] 4/4"), std::string::npos) << text;
  EXPECT_NE(text.find("ETA 0:00"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

// The batch logs carry each metric's running mean weighted by batch size, which the live bar
// shows; the epoch's logs still compute the metric over all outputs at once.
TEST(ProgressBar, ShowsTheRunningMetricsWhenLive) {
  data::DataLoader train(regression_data(1), {.batch_size = 24});  // batches of 24, 24 and 16
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD opt(model.parameters(), {.lr = 0.1});
  const MetricFunction rows = [](const Tensor& output, const Tensor&) {
    return static_cast<double>(output.size(0));
  };
  struct Recorder : Callback {
    std::vector<double> running;
    void on_batch_end(Trainer&, const BatchLogs& logs) override {
      running.push_back(logs.mean_metrics.at("rows"));
    }
  };
  auto recorder = std::make_shared<Recorder>();
  std::ostringstream out;
  auto bar = std::make_shared<ProgressBar>(ProgressBarOptions{.stream = &out, .live = true, .width = 8});
  Trainer trainer(
      model, opt, mse,
      {.epochs = 1, .metrics = {{"rows", rows}}, .callbacks = {recorder, bar}, .progress_bar = false});
  const History& h = trainer.fit(train);
  EXPECT_EQ(recorder->running, (std::vector<double>{24, 24, (24.0 * 24 + 24 * 24 + 16 * 16) / 64}));
  EXPECT_EQ(h["rows"].back(), 64);
  EXPECT_NE(out.str().find("3/3  loss "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("  rows 22  "), std::string::npos) << out.str();
}

}  // namespace
}  // namespace nabla::train
