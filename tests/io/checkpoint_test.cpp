#include "nabla/io/checkpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "nabla/nabla.h"
#include "tests/io/io_testing.h"

namespace nabla::io {
namespace {

using testing::expect_error;
using testing::same_bits;
using testing::snapshot;
using testing::TempDir;

// A small training run whose result depends on everything a checkpoint must restore:
// the weights, Adam's moments and step counts, StepLR's position (the lr halves every
// 3 steps) and the random stream (dropout draws a new mask every step).
struct Training {
  nn::MLP model{{.sizes = {4, 16, 16, 2}, .activation = nn::Activation::Tanh, .dropout = 0.3}};
  optim::Adam optimizer{model.parameters(), {.lr = 0.01}};
  optim::StepLR scheduler{optimizer, {.step_size = 3, .gamma = 0.5}};
  int64_t step = 0;

  void train(int steps, const Tensor& x, const Tensor& y) {
    for (int i = 0; i < steps; ++i, ++step) {
      optimizer.zero_grad();
      nn::functional::mse_loss(model(x), y).backward();
      optimizer.step();
      scheduler.step();
    }
  }
  Checkpoint checkpoint() { return {.model = &model, .optimizer = &optimizer, .scheduler = &scheduler}; }
};

struct Data {
  Tensor x, y;
};
Data data() {
  manual_seed(0);
  return {randn({16, 4}), randn({16, 2})};
}

constexpr int kSteps = 5;

// What 2·kSteps steps from seed 1 without a break end with.
struct Uninterrupted {
  nn::StateDict model, optimizer;
  std::vector<double> lr;
  std::string rng;
};
Uninterrupted uninterrupted(const Data& d) {
  manual_seed(1);
  Training t;
  t.train(2 * kSteps, d.x, d.y);
  return {snapshot(t.model.state_dict()), t.optimizer.state_dict(), t.scheduler.get_last_lr(),
          default_generator().state()};
}

// kSteps steps from seed 1, saved as epoch 1; the objects are gone afterwards.
void save_halfway(const std::filesystem::path& path, const Data& d) {
  manual_seed(1);
  Training first;
  first.train(kSteps, d.x, d.y);
  Checkpoint saved = first.checkpoint();
  saved.epoch = 1;
  saved.step = first.step;
  saved.metadata = {{"note", "halfway"}};
  save_checkpoint(path, saved);
}

TEST(Checkpoint, ResumingContinuesBitForBit) {
  TempDir dir;
  const Data d = data();
  const Uninterrupted expected = uninterrupted(d);
  save_halfway(dir / "run.ckpt", d);

  // A new process, in effect: other seeds, other initial weights, fresh optimizer state.
  manual_seed(12345);
  Training resumed;
  Checkpoint ckpt = resumed.checkpoint();
  load_checkpoint(dir / "run.ckpt", ckpt);
  EXPECT_EQ(ckpt.epoch, 1);
  EXPECT_EQ(ckpt.step, kSteps);
  EXPECT_EQ(ckpt.metadata, (Metadata{{"note", "halfway"}}));
  resumed.step = ckpt.step;
  resumed.train(kSteps, d.x, d.y);

  EXPECT_TRUE(same_bits(resumed.model.state_dict(), expected.model));
  EXPECT_TRUE(same_bits(resumed.optimizer.state_dict(), expected.optimizer));
  EXPECT_EQ(resumed.scheduler.get_last_lr(), expected.lr);
  EXPECT_EQ(default_generator().state(), expected.rng);
}

TEST(Checkpoint, WithoutTheRandomStateTheRunDiverges) {
  // The control for the test above: the same resume, but with the generator reseeded after
  // loading, ends elsewhere; so dropout's stream is what the checkpoint had to restore.
  TempDir dir;
  const Data d = data();
  const Uninterrupted expected = uninterrupted(d);
  save_halfway(dir / "run.ckpt", d);
  Training resumed;
  Checkpoint ckpt = resumed.checkpoint();
  load_checkpoint(dir / "run.ckpt", ckpt);
  manual_seed(7);
  resumed.train(kSteps, d.x, d.y);
  EXPECT_FALSE(same_bits(resumed.model.state_dict(), expected.model));
}

TEST(Checkpoint, ExtraComponentsAndPlateauSchedulers) {
  TempDir dir;
  nn::Linear model({.in_features = 2, .out_features = 1});
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  optim::ReduceLROnPlateau plateau(sgd, {.patience = 0});
  optim::EarlyStopping stop({.patience = 3});
  for (double loss : {1.0, 0.5, 0.7}) {
    plateau.step(loss);
    stop.step(loss);
  }
  save_checkpoint(dir / "c", {.model = &model,
                              .optimizer = &sgd,
                              .scheduler = &plateau,
                              .extra = {{"early_stopping", &stop}},
                              .epoch = 3});

  nn::Linear model2({.in_features = 2, .out_features = 1});
  optim::SGD sgd2(model2.parameters(), {.lr = 0.1});
  optim::ReduceLROnPlateau plateau2(sgd2, {.patience = 0});
  optim::EarlyStopping stop2({.patience = 3});
  Checkpoint ckpt{
      .model = &model2, .optimizer = &sgd2, .scheduler = &plateau2, .extra = {{"early_stopping", &stop2}}};
  load_checkpoint(dir / "c", ckpt);
  EXPECT_EQ(ckpt.epoch, 3);
  EXPECT_TRUE(same_bits(model2.state_dict(), model.state_dict()));
  EXPECT_EQ(plateau2.get_last_lr(), plateau.get_last_lr());
  EXPECT_EQ(sgd2.param_groups()[0].options.at("lr"), sgd.param_groups()[0].options.at("lr"));
  EXPECT_EQ(stop2.best(), 0.5);
  EXPECT_EQ(stop2.num_bad_epochs(), 1);
  EXPECT_EQ(stop2.epoch(), 3);
}

// The state of everything a failed load must leave alone.
struct Everything {
  nn::StateDict model, optimizer, scheduler;
  std::string rng;
  explicit Everything(const Training& r)
      : model(snapshot(r.model.state_dict())),
        optimizer(r.optimizer.state_dict()),
        scheduler(r.scheduler.state_dict()),
        rng(default_generator().state()) {}
  bool same_as(const Training& r) const {
    return same_bits(model, r.model.state_dict()) && same_bits(optimizer, r.optimizer.state_dict()) &&
           same_bits(scheduler, r.scheduler.state_dict()) && rng == default_generator().state();
  }
};

// A checkpoint of two training steps.
void save_trained(const std::filesystem::path& path, const Data& d) {
  Training source;
  source.train(2, d.x, d.y);
  save_checkpoint(path, source.checkpoint());
}

TEST(Checkpoint, ACorruptedFileChangesNothing) {
  TempDir dir;
  const Data d = data();
  save_trained(dir / "good", d);
  const std::string good = testing::read_bytes(dir / "good");

  Training target;
  target.train(1, d.x, d.y);
  const Everything before(target);
  Checkpoint ckpt = target.checkpoint();
  for (const size_t size : {size_t{0}, size_t{7}, good.size() / 2, good.size() - 1}) {
    testing::write_bytes(dir / "cut", good.substr(0, size));
    expect_error([&] { load_checkpoint(dir / "cut", ckpt); }, {(dir / "cut").string()});
    EXPECT_TRUE(before.same_as(target)) << "truncated to " << size;
  }
  std::string flipped = good;
  flipped[8] = '!';  // the header's opening brace
  testing::write_bytes(dir / "flipped", flipped);
  expect_error([&] { load_checkpoint(dir / "flipped", ckpt); }, {"not valid JSON"});
  EXPECT_TRUE(before.same_as(target));
  EXPECT_EQ(ckpt.epoch, 0);
}

TEST(Checkpoint, AComponentThatRefusesItsStateUndoesTheOthers) {
  TempDir dir;
  save_trained(dir / "c", data());

  // The model and the scheduler fit; the optimizer's parameters are split into two groups,
  // which the saved single-group state cannot fill. The model, loaded first, is restored.
  Training target;
  const std::vector<Tensor> params = target.model.parameters();
  optim::Adam split({{.params = {params[0], params[1]}}, {.params = {params.begin() + 2, params.end()}}}, {});
  // And a model of other shapes, which the model itself refuses.
  nn::MLP other({.sizes = {4, 8, 8, 2}, .dropout = 0.3});
  const nn::StateDict other_before = snapshot(other.state_dict());
  const Everything before(target);
  const nn::StateDict split_before = split.state_dict();
  Checkpoint ckpt{.model = &target.model, .optimizer = &split, .scheduler = &target.scheduler};
  expect_error([&] { load_checkpoint(dir / "c", ckpt); },
               {"load_checkpoint", (dir / "c").string(), "optimizer: load_state_dict"});
  EXPECT_TRUE(before.same_as(target));
  EXPECT_TRUE(same_bits(split.state_dict(), split_before));

  Checkpoint wrong_model{.model = &other, .optimizer = &target.optimizer, .scheduler = &target.scheduler};
  expect_error([&] { load_checkpoint(dir / "c", wrong_model); }, {"model: load_state_dict", "size mismatch"});
  EXPECT_TRUE(same_bits(other.state_dict(), other_before));
  EXPECT_TRUE(before.same_as(target));
}

TEST(Checkpoint, ComponentsMustMatchTheFile) {
  TempDir dir;
  Training run;
  save_checkpoint(dir / "c", run.checkpoint());
  const auto load = [&](Checkpoint c) { load_checkpoint(dir / "c", c); };
  expect_error([&] { load({.model = &run.model, .optimizer = &run.optimizer}); },
               {"holds 'scheduler' state, but no scheduler was given"});
  optim::EarlyStopping stop;
  expect_error(
      [&] {
        load({.model = &run.model,
              .optimizer = &run.optimizer,
              .scheduler = &run.scheduler,
              .extra = {{"stop", &stop}}});
      },
      {"holds no 'stop' state (it holds 'model,optimizer,scheduler')"});
  optim::SGD sgd(run.model.parameters(), {.lr = 0.1});
  expect_error([&] { load({.model = &run.model, .optimizer = &sgd, .scheduler = &run.scheduler}); },
               {"the checkpoint's optimizer is Adam, the one given is SGD"});

  save_safetensors(run.model.state_dict(), dir / "plain");
  Checkpoint plain{.model = &run.model};
  expect_error([&] { load_checkpoint(dir / "plain", plain); }, {"not a nabla checkpoint"});
}

TEST(Checkpoint, InvalidNamesAndMetadataAreRefusedBeforeWriting) {
  TempDir dir;
  Training run;
  optim::EarlyStopping stop;
  const auto save = [&](const Checkpoint& c) { save_checkpoint(dir / "c", c); };
  expect_error(
      [&] {
        save({.model = &run.model, .metadata = {{"nabla.epoch", "9"}}});
      },
      {"save_checkpoint", "'nabla.epoch'", "reserved"});
  expect_error([&] { save({.extra = {{"early.stop", &stop}}}); }, {"contain no '.'"});
  expect_error([&] { save({.model = &run.model, .extra = {{"model", &stop}}}); }, {"'model' is reserved"});
  expect_error([&] { save({.extra = {{"stop", &stop}, {"stop", &stop}}}); }, {"'stop' is used twice"});
  expect_error([&] { save({.extra = {{"stop", nullptr}}}); }, {"'stop' is null"});
  EXPECT_EQ(dir.count(), 0u);
}

TEST(Checkpoint, AFailedSaveKeepsThePreviousCheckpoint) {
  TempDir dir;
  const Data d = data();
  Training run;
  run.train(1, d.x, d.y);
  Checkpoint c = run.checkpoint();
  c.epoch = 1;
  save_checkpoint(dir / "run.ckpt", c);
  const std::string previous = testing::read_bytes(dir / "run.ckpt");

  run.train(1, d.x, d.y);
  c.epoch = 2;
  {
    // Room for a header, not for the tensors: the write fails midway, like a full disk.
    const testing::FileSizeLimit limit(1024);
    expect_error([&] { save_checkpoint(dir / "run.ckpt", c); },
                 {(dir / "run.ckpt").string(), "File too large"});
  }
  EXPECT_EQ(testing::read_bytes(dir / "run.ckpt"), previous);
  EXPECT_EQ(dir.count(), 1u);
  Training fresh;
  Checkpoint back = fresh.checkpoint();
  load_checkpoint(dir / "run.ckpt", back);
  EXPECT_EQ(back.epoch, 1);
}

}  // namespace
}  // namespace nabla::io
