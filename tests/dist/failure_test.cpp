// A process of a training job dies: the others must end with an error instead of waiting for
// it forever, and the last checkpoint must resume the run. The test runs outside mpirun and
// starts the job itself (tests/dist/main.cpp runs train_until_rank_one_dies in its processes).
#include "tests/dist/failure.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <csignal>
#include <string>

#include "nabla/dist/dist.h"
#include "tests/dist/training.h"
#include "tests/temp_dir.h"

namespace nabla::testing {

namespace {
constexpr int64_t kDeathStep = 3;  // rank 1 dies before this step; rank 0 is then in its backward
constexpr int64_t kSteps = 5;
constexpr uint64_t kModelSeed = 100;
const char* kCheckpoint = "run.ckpt";
const char* kFinished = "finished";
}  // namespace

int train_until_rank_one_dies(const std::filesystem::path& dir, bool by_exception) {
  manual_seed(kModelSeed);
  nn::MLP net(mlp_options());
  const Problem problem = mlp_problem(net);
  dist::DistributedDataParallel ddp(net);
  optim::SGD opt(net.parameters(), sgd());
  for (int64_t step = 0; step < kSteps; ++step) {
    if (step == kDeathStep && dist::rank() == 1) {
      NABLA_CHECK(!by_exception, "train_until_rank_one_dies", "rank 1 fails at step ", step);
      std::raise(SIGKILL);
    }
    train_step(problem, opt, batch_indices(problem, dist::world_size(), {dist::rank()}, step));
    if (dist::rank() == 0)
      io::save_checkpoint(dir / kCheckpoint, {.model = &net, .optimizer = &opt, .step = step + 1});
    dist::barrier();
  }
  if (dist::rank() == 0) io::save_checkpoint(dir / kFinished, {.model = &net});
  return 0;
}

namespace {

// Runs `command` through the shell; returns its exit status and its output and errors.
std::pair<int, std::string> run(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Starts the job, with rank 1 failing as `failure` says; checks that the job ends with an error
// that `expected` is part of, and that the last checkpoint resumes the run.
void expect_job_ends_and_resumes(const std::string& failure, const std::string& expected) {
  TempDir dir;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  // timeout only turns a hang, the failure this test looks for, into exit status 124.
  const auto [status, output] =
      run("NABLA_DIST_KILL_DIR='" + dir.path().string() + "' NABLA_DIST_FAILURE=" + failure +
          " timeout 120 " NABLA_MPIEXEC " --allow-run-as-root --oversubscribe -np 2 '" + self + "'");
  EXPECT_NE(status, 124) << "the surviving process hung:\n" << output;
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("rank 1"), std::string::npos) << output;
  EXPECT_NE(output.find(expected), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir / kFinished)) << "rank 0 went on alone";

  // The checkpoint after the last step both processes finished continues the run as if one
  // process had trained on the global batches throughout.
  manual_seed(kModelSeed);
  nn::MLP reference(mlp_options()), resumed(mlp_options());
  const Problem reference_problem = mlp_problem(reference), resumed_problem = mlp_problem(resumed);
  optim::SGD reference_opt(reference.parameters(), sgd()), resumed_opt(resumed.parameters(), sgd());
  io::Checkpoint checkpoint{.model = &resumed, .optimizer = &resumed_opt};
  io::load_checkpoint(dir / kCheckpoint, checkpoint);
  EXPECT_EQ(checkpoint.step, kDeathStep);
  for (int64_t step = 0; step < kSteps; ++step) {
    train_global_step(reference_problem, reference_opt, 2, step);
    if (step >= checkpoint.step) train_global_step(resumed_problem, resumed_opt, 2, step);
  }
  EXPECT_LT(max_difference(reference, resumed), 1e-12);
}

TEST(DistFailure, KilledRankEndsTheJobAndTheCheckpointResumes) {
  expect_job_ends_and_resumes("signal", "signal 9");
}

// MPI_Finalize would wait for rank 0, itself waiting for rank 1's gradients: the exception
// leaving dist::Environment's scope aborts the job instead.
TEST(DistFailure, ThrowingRankAbortsTheJob) {
  expect_job_ends_and_resumes("exception", "an exception left dist::Environment on rank 1");
}

}  // namespace
}  // namespace nabla::testing
