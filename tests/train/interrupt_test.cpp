#include "nabla/train/interrupt.h"

#include <gtest/gtest.h>

#include <csignal>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nabla/nabla.h"
#include "tests/temp_dir.h"
#include "tests/train/dropout_mlp.h"

namespace nabla::train {
namespace {

namespace F = nn::functional;

using Handler = void (*)(int);

// Runs f, which must throw Interrupted with every one of `parts` in its message.
template <class Fn>
void expect_interrupted(Fn&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no train::Interrupted thrown";
  } catch (const Interrupted& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

Handler current_handler(int signal) {
  struct sigaction now {};
  sigaction(signal, nullptr, &now);
  return now.sa_handler;
}

TEST(Interrupt, CheckThrowsOnlyWhenRequestedAndClearsTheRequest) {
  EXPECT_FALSE(interrupt_requested());
  EXPECT_NO_THROW(check_interrupt("loop"));
  request_interrupt();
  EXPECT_TRUE(interrupt_requested());
  expect_interrupted([] { check_interrupt("loop", " at step 3"); }, {"loop: interrupted at step 3"});
  EXPECT_FALSE(interrupt_requested());
}

// The first Ctrl-C sets the flag and the process goes on; the handler is then the default
// one (a second Ctrl-C ends the process), and the old handlers come back with the guard's end.
TEST(Interrupt, TheHandlerTurnsTheFirstSignalIntoARequest) {
  const Handler before = current_handler(SIGINT);
  {
    const InterruptHandler handler;
    EXPECT_NE(current_handler(SIGINT), before);
    std::raise(SIGINT);
    EXPECT_TRUE(interrupt_requested());
    EXPECT_EQ(current_handler(SIGINT), SIG_DFL);
    EXPECT_THROW(check_interrupt("test"), Interrupted);
    std::raise(SIGTERM);  // SIGTERM too
    EXPECT_TRUE(interrupt_requested());
  }
  EXPECT_TRUE(interrupt_requested());
  EXPECT_THROW(check_interrupt("test"), Interrupted);
  EXPECT_EQ(current_handler(SIGINT), before);
}

// Requests a stop at one batch of one epoch, as Ctrl-C would.
class InterruptAt : public Callback {
 public:
  InterruptAt(int64_t epoch, int64_t batch) : epoch_(epoch), batch_(batch) {}
  void on_batch_end(Trainer&, const BatchLogs& logs) override {
    if (logs.epoch == epoch_ && logs.batch == batch_) request_interrupt();
  }

 private:
  int64_t epoch_, batch_;
};

struct Trained {
  std::vector<double> parameters;
  History history;
};

// An MLP with dropout (so the random generator's state matters) on a shuffled loader, for
// `epochs` epochs through a checkpointing Trainer.
Trained train_mlp(const std::filesystem::path& checkpoint, bool resume, std::shared_ptr<Callback> extra = nullptr,
              uint64_t init_seed = 0) {
  data::DataLoader loader(testing::regression_samples(), {.batch_size = 8, .shuffle = true, .seed = 11});
  nn::Sequential model = testing::dropout_mlp(init_seed);
  optim::Adam optimizer(model.parameters(), {.lr = 1e-2});
  const auto mse = [](const Tensor& out, const Tensor& target) { return F::mse_loss(out, target); };
  TrainerOptions options{.epochs = 5, .progress_bar = false, .checkpoint = checkpoint, .resume = resume};
  if (extra) options.callbacks.push_back(extra);
  Trainer trainer(model, optimizer, mse, options);
  const History history = trainer.fit(loader);
  std::vector<double> flat;
  for (const Tensor& p : model.parameters())
    for (double v : p.to_vector<double>()) flat.push_back(v);
  return {flat, history};
}

TEST(Interrupt, AnInterruptedRunResumesFromItsLastEpochAsIfItNeverStopped) {
  const testing::TempDir dir;
  const Trained uninterrupted = train_mlp(dir / "straight.ckpt", false);
  ASSERT_EQ(uninterrupted.history.epochs(), 5);

  const auto interrupted = [&] { train_mlp(dir / "run.ckpt", false, std::make_shared<InterruptAt>(2, 3)); };
  expect_interrupted(
      interrupted, {"Trainer: interrupted at epoch 3, batch 4 of 6", "run.ckpt", "first 2 epoch(s)"});
  EXPECT_FALSE(interrupt_requested());

  // Another initialisation, which the checkpoint replaces.
  const Trained resumed = train_mlp(dir / "run.ckpt", true, nullptr, 99);
  EXPECT_EQ(resumed.parameters, uninterrupted.parameters);  // bit for bit
  ASSERT_EQ(resumed.history.epochs(), 5);
  EXPECT_EQ(resumed.history["loss"], uninterrupted.history["loss"]);

  // Resuming a finished run trains nothing more.
  const Trained again = train_mlp(dir / "run.ckpt", true, nullptr, 99);
  EXPECT_EQ(again.parameters, uninterrupted.parameters);
}

TEST(Interrupt, WithoutACheckpointTheErrorSaysNothingWasSaved) {
  const auto interrupted = [&] { train_mlp({}, false, std::make_shared<InterruptAt>(0, 0)); };
  expect_interrupted(interrupted, {"at epoch 1, batch 1 of 6", "nothing was saved"});
}

// A run that EarlyStopping ended stays ended when resumed, with the best weights restored.
TEST(Interrupt, AResumedRunKeepsItsEarlyStoppingState) {
  const testing::TempDir dir;
  manual_seed(3);
  const Tensor x = randn({32, 2}), y = randn({32, 1});
  const auto run = [&](bool resume) {
    data::DataLoader loader(data::TensorDataset(x, y), {.batch_size = 8, .shuffle = true, .seed = 1});
    manual_seed(0);
    nn::Linear model({.in_features = 2, .out_features = 1});
    optim::SGD optimizer(model.parameters(), {.lr = 0.5});  // too high: the loss soon stops improving
    auto stop = std::make_shared<EarlyStopping>(
        EarlyStoppingOptions{.monitor = "loss", .patience = 2, .restore_best_weights = true});
    Trainer trainer(model, optimizer, [](const Tensor& o, const Tensor& t) { return F::mse_loss(o, t); },
                    {.epochs = 50,
                     .callbacks = {stop},
                     .progress_bar = false,
                     .checkpoint = dir / "stop.ckpt",
                     .resume = resume,
                     .checkpoint_state = {{"early_stopping", stop.get()}}});
    trainer.fit(loader);
    return std::pair{trainer.epoch(), model.weight.to_vector<double>()};
  };
  const auto [epochs, weights] = run(false);
  ASSERT_LT(epochs, 50);
  const auto [resumed_epochs, resumed_weights] = run(true);
  EXPECT_EQ(resumed_epochs, epochs);
  EXPECT_EQ(resumed_weights, weights);
}

}  // namespace
}  // namespace nabla::train
