// The examples' own training loops stop on Ctrl-C and, under --resume, continue from their last
// epoch's checkpoint exactly as if they had never stopped.
#include "examples/loop_checkpoint.h"

#include <gtest/gtest.h>

#include <sstream>

#include "examples/images.h"
#include "nabla/nabla.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"
#include "tests/train/dropout_mlp.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;

struct Trained {
  std::vector<double> parameters;
  int64_t batches = 0;  // the batches this run trained on
};

// Three epochs of train_epochs, as the training "mlp" in `dir`, on an MLP with dropout (so the
// random generator's state matters) and a shuffled loader. A Ctrl-C is requested during the
// batch `interrupt_at` (counted over the epochs; -1: never).
Trained train_mlp(const testing::TempDir& dir, bool resume, int64_t interrupt_at = -1,
                  uint64_t init_seed = 0) {
  data::DataLoader loader(testing::regression_samples(), {.batch_size = 8, .shuffle = true, .seed = 11});
  nn::Sequential model = testing::dropout_mlp(init_seed);
  std::ostringstream log;
  const Settings settings{.out_dir = dir.path(), .resume = resume, .log = &log};
  Trained trained;
  train_epochs(settings, "mlp", model, loader, 3, /*progress_bar=*/true,
               [&](const data::Example& batch, int64_t) {
                 if (trained.batches++ == interrupt_at) train::request_interrupt();
                 return F::mse_loss(model(batch.input), batch.target);
               });
  for (const Tensor& p : model.parameters())
    for (double v : p.to_vector<double>()) trained.parameters.push_back(v);
  return trained;
}

TEST(LoopCheckpoint, AnInterruptedLoopResumesFromItsLastEpochAsIfItNeverStopped) {
  const testing::TempDir straight_dir, dir;
  const Trained straight = train_mlp(straight_dir, false);
  EXPECT_EQ(straight.batches, 18);

  // Ctrl-C in the second epoch's third batch: the loop stops before the fourth.
  testing::expect_error([&] { train_mlp(dir, false, 8); },
                        {"mlp: interrupted", (dir / "mlp.ckpt").string(), "holds 1 epoch(s)", "--resume"});
  EXPECT_FALSE(train::interrupt_requested());

  // Another initialisation, which the checkpoint replaces; the first epoch is not trained again.
  const Trained resumed = train_mlp(dir, true, -1, 99);
  EXPECT_EQ(resumed.batches, 12);
  EXPECT_EQ(resumed.parameters, straight.parameters);  // bit for bit

  // A finished loop trains nothing more; without --resume it starts again.
  EXPECT_EQ(train_mlp(dir, true).batches, 0);
  EXPECT_EQ(train_mlp(dir, false).parameters, straight.parameters);
}

TEST(LoopCheckpoint, BeforeTheFirstEpochEndsTheMessageSaysNothingWasSaved) {
  const testing::TempDir dir;
  testing::expect_error([&] { train_mlp(dir, false, 2); }, {"mlp: interrupted", "nothing was saved yet"});
  EXPECT_FALSE(std::filesystem::exists(dir / "mlp.ckpt"));
}

TEST(LoopCheckpoint, TheLoopsHistoryAndTheLoadersEpochComeBack) {
  const testing::TempDir dir;
  data::DataLoader loader(data::TensorDataset(arange(10)), {.batch_size = 5, .shuffle = true, .seed = 1});
  nn::Linear model({.in_features = 1, .out_features = 1});
  optim::SGD optimizer(model.parameters(), {.lr = 0.1});
  train::History history;
  history.append({{"d_loss", 3}, {"g_loss", 0.5}});
  history.append({{"d_loss", 2}, {"g_loss", 0.6}});
  for (const data::Example& batch : loader) (void)batch;  // the loader's first epoch
  LoopCheckpoint({.out_dir = dir.path()}, "gan",
                 {.model = &model, .optimizer = &optimizer, .extra = {{"history", &history}}}, loader)
      .save(1);

  train::History back;
  data::DataLoader fresh(data::TensorDataset(arange(10)), {.batch_size = 5, .shuffle = true, .seed = 1});
  std::ostringstream log;
  LoopCheckpoint resumed({.out_dir = dir.path(), .resume = true, .log = &log}, "gan",
                         {.model = &model, .optimizer = &optimizer, .extra = {{"history", &back}}}, fresh);
  EXPECT_EQ(resumed.resume(), 1);
  EXPECT_EQ(back.values(), history.values());
  EXPECT_EQ(fresh.epoch(), 1);  // its next pass shuffles as the second one
  EXPECT_NE(log.str().find("gan: resumed after epoch 1"), std::string::npos) << log.str();

  // A checkpoint of other parts is refused, naming the file.
  LoopCheckpoint other({.out_dir = dir.path(), .resume = true}, "gan",
                       {.model = &model, .optimizer = &optimizer}, fresh);
  testing::expect_error([&] { other.resume(); }, {(dir / "gan.ckpt").string()});
}

}  // namespace
}  // namespace nabla::examples
