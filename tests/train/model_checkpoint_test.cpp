#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/temp_dir.h"

namespace nabla::train {
namespace {

Tensor mse(const Tensor& output, const Tensor& target) { return nn::functional::mse_loss(output, target); }

data::TensorDataset noisy_line() {
  manual_seed(7);
  const Tensor x = randn({48, 3});
  return data::TensorDataset(x, sum(x, {1}, true) + 0.1 * randn({48, 1}));
}

// A model with dropout (so the random generator matters), Adam and a StepLR.
struct TrainingRun {
  nn::MLP model{{.sizes = {3, 16, 1}, .activation = nn::Activation::Tanh, .dropout = 0.2}};
  optim::Adam optimizer{model.parameters(), {.lr = 1e-2}};
  optim::StepLR scheduler{optimizer, {.step_size = 1, .gamma = 0.7}};
  data::DataLoader loader{noisy_line(), {.batch_size = 8, .shuffle = true, .seed = 11}};

  const History& fit(int64_t epochs, std::vector<std::shared_ptr<Callback>> callbacks = {}) {
    // Callbacks run in order: the scheduler steps before a checkpoint saves its state.
    callbacks.insert(callbacks.begin(), std::make_shared<LRSchedulerCallback>(scheduler));
    trainer.emplace(model, optimizer, mse,
                    TrainerOptions{.epochs = epochs, .callbacks = std::move(callbacks), .progress_bar = false});
    trainer->set_epoch(start_epoch);
    return trainer->fit(loader);
  }
  int64_t start_epoch = 0;
  std::optional<Trainer> trainer;
};

TEST(ModelCheckpoint, ResumedTrainingMatchesUninterruptedTraining) {
  testing::TempDir dir;
  manual_seed(0);
  TrainingRun straight;
  straight.fit(4);

  manual_seed(0);
  TrainingRun first;
  first.fit(2, {std::make_shared<ModelCheckpoint>(
                   ModelCheckpointOptions{.path = dir / "run.ckpt", .scheduler = &first.scheduler})});
  manual_seed(123);  // a new process: whatever state the generator is in
  TrainingRun resumed;
  io::Checkpoint checkpoint{.model = &resumed.model, .optimizer = &resumed.optimizer, .scheduler = &resumed.scheduler};
  io::load_checkpoint(dir / "run.ckpt", checkpoint);
  ASSERT_EQ(checkpoint.epoch, 2);
  resumed.start_epoch = checkpoint.epoch;
  resumed.loader.set_epoch(checkpoint.epoch);
  resumed.fit(2);

  EXPECT_EQ(resumed.trainer->epoch(), 4);
  const auto a = straight.model.parameters(), b = resumed.model.parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(equal(a[i], b[i])) << "parameter " << i;
  EXPECT_EQ(straight.optimizer.param_groups()[0].options.at("lr"), resumed.optimizer.param_groups()[0].options.at("lr"));
}

TEST(ModelCheckpoint, SavesEveryNEpochsToNumberedFiles) {
  testing::TempDir dir;
  TrainingRun run;
  auto saver = std::make_shared<ModelCheckpoint>(ModelCheckpointOptions{.path = dir / "ckpt-{epoch}.safetensors",
                                                                        .every_n_epochs = 2});
  run.fit(5, {saver});
  EXPECT_TRUE(std::filesystem::exists(dir / "ckpt-2.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir / "ckpt-4.safetensors"));
  EXPECT_EQ(dir.count(), 2u);
  EXPECT_EQ(saver->last_saved(), dir / "ckpt-4.safetensors");
}

TEST(ModelCheckpoint, KeepsTheBestEpochWhenMonitoring) {
  testing::TempDir dir;
  TrainingRun run;
  const History& h = run.fit(
      6, {std::make_shared<ModelCheckpoint>(ModelCheckpointOptions{.path = dir / "best.ckpt", .monitor = "loss"})});
  const auto& loss = h["loss"];
  const int64_t best = std::min_element(loss.begin(), loss.end()) - loss.begin();
  TrainingRun fresh;
  io::Checkpoint checkpoint{.model = &fresh.model, .optimizer = &fresh.optimizer};
  io::load_checkpoint(dir / "best.ckpt", checkpoint);
  EXPECT_EQ(checkpoint.epoch, best + 1);
}

TEST(ModelCheckpoint, RejectsBadOptions) {
  EXPECT_THROW(ModelCheckpoint({}), Error);
  EXPECT_THROW(ModelCheckpoint({.path = "x", .every_n_epochs = 0}), Error);
}

}  // namespace
}  // namespace nabla::train
