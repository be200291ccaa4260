// train::Trainer data-parallel through dist::DDPStrategy, run by every process of an mpirun
// job: the processes end where one process training on the same global batches ends, log the
// same numbers, and only rank 0 writes the checkpoint, which every process resumes from.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "nabla/dist/collectives.h"
#include "nabla/dist/ddp_strategy.h"
#include "nabla/dist/process_group.h"
#include "tests/dist/training.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::dist {
namespace {

using testing::kGlobalBatch;

constexpr int64_t kEpochs = 3;

// Regression data: 64 training samples (8 global batches) and 23 validation samples, which
// two processes evaluate as blocks of 11 and 12.
struct Data {
  data::TensorDataset train, validation;
};

Data make_data() {
  manual_seed(1);  // the same data on every process
  const Tensor x = randn({87, 4}, {.dtype = kFloat64});
  const Tensor y = sin(x.sum({1}, true));
  return {data::TensorDataset(x.narrow(0, 0, 64), y.narrow(0, 0, 64)),
          data::TensorDataset(x.narrow(0, 64, 23), y.narrow(0, 64, 23))};
}

Tensor mse(const Tensor& output, const Tensor& target) { return nn::functional::mse_loss(output, target); }

struct TrainedRun {
  std::vector<Tensor> parameters;
  train::History history;
  Tensor predictions;
  int64_t trained_samples = 0;  // that this process's loss saw in training mode
};

// Trains the MLP of the DDP tests (rank 0's seed everywhere) from the start or, with
// `options.resume`, from options.checkpoint, and predicts the validation set.
TrainedRun train_mlp(const Data& data, train::TrainerOptions options, int64_t batch_size = kGlobalBatch) {
  manual_seed(100);
  nn::MLP net(testing::mlp_options());
  optim::SGD optimizer(net.parameters(), testing::sgd());
  data::DataLoader train_loader(data.train, {.batch_size = batch_size, .shuffle = true, .seed = 5});
  data::DataLoader validation_loader(data.validation, {.batch_size = 10});
  options.metrics = {{"rmse", data::rmse}};
  options.progress_bar = false;
  int64_t trained_samples = 0;
  const auto counted_mse = [&](const Tensor& output, const Tensor& target) {
    if (net.is_training()) trained_samples += output.size(0);
    return mse(output, target);
  };
  train::Trainer trainer(net, optimizer, counted_mse, options);
  trainer.fit(train_loader, &validation_loader);
  std::vector<Tensor> parameters;
  for (const Tensor& p : net.parameters()) parameters.push_back(p.detach().clone());
  return {parameters, trainer.history(), trainer.predict(validation_loader), trained_samples};
}

void expect_same_run(const TrainedRun& parallel, const TrainedRun& alone) {
  ASSERT_EQ(parallel.parameters.size(), alone.parameters.size());
  for (size_t i = 0; i < alone.parameters.size(); ++i)
    EXPECT_LT(max(abs(parallel.parameters[i] - alone.parameters[i])).item(), 1e-12) << "parameter " << i;
  for (const std::string name : {"loss", "rmse", "val_loss", "val_rmse"}) {
    ASSERT_EQ(parallel.history[name].size(), static_cast<size_t>(kEpochs)) << name;
    for (int64_t e = 0; e < kEpochs; ++e)
      EXPECT_NEAR(parallel.history[name][e], alone.history[name][e], 1e-12) << name << ", epoch " << e;
  }
  EXPECT_LT(max(abs(parallel.predictions - alone.predictions)).item(), 1e-12);  // in the same order
}

// Whether every process holds the same value.
bool agreed(double value) { return all_reduce(value, ReduceOp::Max) == all_reduce(value, ReduceOp::Min); }

// Rank 0's directory, for the files every process reads.
std::filesystem::path rank0_path(const std::filesystem::path& path) {
  std::string text = path.string();
  Tensor size = scalar_tensor(static_cast<double>(text.size()), {.dtype = kInt64});
  broadcast(size, 0);
  text.resize(static_cast<size_t>(size.item<int64_t>()));
  std::vector<int64_t> chars(text.begin(), text.end());
  Tensor t = from_vector(chars, {static_cast<int64_t>(chars.size())});
  broadcast(t, 0);
  chars = t.to_vector<int64_t>();
  return std::string(chars.begin(), chars.end());
}

TEST(DistTrainer, SameParametersAndLogsAsOneProcessAndOnlyRankZeroCheckpoints) {
  const Data data = make_data();
  const TrainedRun alone = train_mlp(data, {.epochs = kEpochs});
  // Each process names its own checkpoint file, so the test sees which of them wrote one.
  const testing::TempDir dir;
  const std::filesystem::path checkpoint = dir / ("rank" + std::to_string(rank()) + ".ckpt");
  const TrainedRun parallel = train_mlp(
      data, {.epochs = kEpochs, .checkpoint = checkpoint, .distributed = std::make_shared<DDPStrategy>()});
  expect_same_run(parallel, alone);
  // Each process trained on its share of the samples.
  EXPECT_EQ(alone.trained_samples, 64 * kEpochs);
  EXPECT_EQ(parallel.trained_samples, 64 * kEpochs / world_size());
  for (const std::string name : {"loss", "val_rmse", "seconds"})
    EXPECT_TRUE(agreed(parallel.history[name].back())) << name << " differs between the processes";
  EXPECT_EQ(std::filesystem::exists(checkpoint), rank() == 0);
}

TEST(DistTrainer, EveryProcessResumesFromRankZerosCheckpoint) {
  const Data data = make_data();
  const TrainedRun alone = train_mlp(data, {.epochs = kEpochs});
  const testing::TempDir dir;
  const std::filesystem::path checkpoint = rank0_path(dir.path()) / "run.ckpt";
  const auto strategy = std::make_shared<DDPStrategy>();
  train_mlp(data, {.epochs = kEpochs - 1, .checkpoint = checkpoint, .distributed = strategy});
  barrier();  // rank 0 has written it
  const TrainedRun resumed =
      train_mlp(data, {.epochs = kEpochs, .checkpoint = checkpoint, .resume = true, .distributed = strategy});
  expect_same_run(resumed, alone);
  barrier();  // every process has read it before rank 0 removes its directory
}

TEST(DistTrainer, ABatchThatDoesNotSplitEvenlyGivesOneProcesssParametersToo) {
  // Batches of 7 (3 + 4 samples on two processes) and a last one of 1, which one process
  // trains on while the other's part is empty.
  const Data data = make_data();
  const TrainedRun alone = train_mlp(data, {.epochs = kEpochs}, 7);
  const TrainedRun parallel =
      train_mlp(data, {.epochs = kEpochs, .distributed = std::make_shared<DDPStrategy>()}, 7);
  expect_same_run(parallel, alone);
  EXPECT_LT(parallel.trained_samples, alone.trained_samples);
  // Every sample once, plus in each epoch the empty part's stand-in, whose loss counts 0 times.
  EXPECT_EQ(all_reduce(static_cast<double>(parallel.trained_samples)), 64 * kEpochs + kEpochs);
}

// Ctrl-C reaching one process only (as a callback requests it here) stops every process
// after the same batch, none left waiting for the others.
struct InterruptOnLastRank : train::Callback {
  void on_batch_end(train::Trainer&, const train::BatchLogs& logs) override {
    if (logs.batch == 1 && rank() == world_size() - 1) train::request_interrupt();
  }
};

TEST(DistTrainer, AnInterruptOnOneProcessStopsEveryProcessAtTheSameBatch) {
  manual_seed(100);
  nn::MLP net(testing::mlp_options());
  optim::SGD optimizer(net.parameters(), testing::sgd());
  data::DataLoader loader(make_data().train, {.batch_size = kGlobalBatch});
  train::Trainer trainer(net, optimizer, mse,
                         {.callbacks = {std::make_shared<InterruptOnLastRank>()},
                          .progress_bar = false,
                          .distributed = std::make_shared<DDPStrategy>()});
  try {
    trainer.fit(loader);
    ADD_FAILURE() << "not interrupted";
  } catch (const train::Interrupted& stop) {
    EXPECT_NE(std::string(stop.what()).find("at epoch 1, batch 2 of 8"), std::string::npos) << stop.what();
  }
  EXPECT_FALSE(train::interrupt_requested());
}

TEST(DistTrainer, AllGatherConcatenatesInRankOrder) {
  DDPStrategy strategy;
  const int n = world_size();
  // Rank r contributes r + 1 rows of r.
  const Tensor gathered = strategy.all_gather(full({rank() + 1, 2}, rank(), {.dtype = kInt64}));
  std::vector<int64_t> expected;
  for (int r = 0; r < n; ++r) expected.insert(expected.end(), 2 * static_cast<size_t>(r + 1), r);
  EXPECT_EQ(gathered.shape(), Shape({n * (n + 1) / 2, 2}));
  EXPECT_EQ(gathered.to_vector<int64_t>(), expected);
  testing::expect_error(
      [&] {
        strategy.all_gather(zeros({1, 2 + rank()}, {.dtype = kFloat32}));
      },
      {"all_gather", "does not match"});
  std::vector<double> values{1.0 * rank(), 2.0};
  strategy.all_reduce(values);
  EXPECT_EQ(values, (std::vector<double>{n * (n - 1) / 2.0, 2.0 * n}));
  values = {1.0 * rank()};
  strategy.broadcast(values);
  EXPECT_EQ(values, std::vector<double>{0.0});
}

}  // namespace
}  // namespace nabla::dist
