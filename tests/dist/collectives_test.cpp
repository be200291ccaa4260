// The process group and collectives, run by every process of an mpirun job.
#include "nabla/dist/collectives.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "nabla/dist/process_group.h"
#include "nabla/nabla.h"

namespace nabla::dist {
namespace {

TEST(DistCollectives, RankAndWorldSize) {
  ASSERT_TRUE(is_initialized());
  EXPECT_GE(world_size(), 2) << "run under mpirun -np 2 or more";
  EXPECT_GE(rank(), 0);
  EXPECT_LT(rank(), world_size());
  barrier();
}

TEST(DistCollectives, LaunchedByMpirunOnOneMachine) {
  EXPECT_TRUE(launched_by_mpirun());
  EXPECT_EQ(local_world_size(), world_size());  // the tests' job runs on one machine
}

TEST(DistCollectives, IdleBarrierWaitsForTheLastProcess) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  if (rank() == world_size() - 1) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  idle_barrier();
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(100));
}

TEST(DistCollectives, BroadcastFromEveryRoot) {
  for (int root = 0; root < world_size(); ++root) {
    Tensor f = full({2, 3}, rank() + 0.5, {.dtype = kFloat32});
    Tensor i = full({4}, rank(), {.dtype = kInt64});
    broadcast(f, root);
    broadcast(i, root);
    EXPECT_TRUE(equal(f, full({2, 3}, root + 0.5, {.dtype = kFloat32})));
    EXPECT_TRUE(equal(i, full({4}, root, {.dtype = kInt64})));
  }
}

TEST(DistCollectives, AllReduceSumMeanMaxMin) {
  const int n = world_size();
  const double sum = n * (n - 1) / 2.0;  // of the ranks
  for (DType dtype : {kFloat32, kFloat64}) {
    auto mine = [&] { return tensor({1.0 * rank(), 2.0 * rank() + 1}, {.dtype = dtype}); };
    Tensor s = mine(), m = mine(), hi = mine(), lo = mine();
    all_reduce(s);
    all_reduce(m, ReduceOp::Mean);
    all_reduce(hi, ReduceOp::Max);
    all_reduce(lo, ReduceOp::Min);
    EXPECT_EQ(s.to_vector<double>(), (std::vector<double>{sum, 2 * sum + n}));
    EXPECT_EQ(m.to_vector<double>(), (std::vector<double>{sum / n, (2 * sum + n) / n}));
    EXPECT_EQ(hi.to_vector<double>(), (std::vector<double>{n - 1.0, 2 * n - 1.0}));
    EXPECT_EQ(lo.to_vector<double>(), (std::vector<double>{0, 1}));
  }
  EXPECT_DOUBLE_EQ(all_reduce(rank() + 1.0, ReduceOp::Mean), (n + 1) / 2.0);
}

TEST(DistCollectives, NonContiguousTensorsAreWrittenInPlace) {
  Tensor base = arange(0, 6, 1, {.dtype = kFloat64}).reshape({2, 3}) * static_cast<double>(rank() + 1);
  Tensor t = base.t();  // a view with strides (1, 3)
  all_reduce(t);
  const int n = world_size();
  const double factor = n * (n + 1) / 2.0;
  EXPECT_TRUE(equal(base, arange(0, 6, 1, {.dtype = kFloat64}).reshape({2, 3}) * factor));
}

// Collectives run outside autograd, so leaves that require grad take them too.
TEST(DistCollectives, ParametersCanBeBroadcast) {
  Tensor w = full({3}, rank(), {.dtype = kFloat32, .requires_grad = true});
  broadcast(w, 0);
  EXPECT_TRUE(equal(w.detach(), zeros({3}, {.dtype = kFloat32})));
  EXPECT_TRUE(w.requires_grad());
}

TEST(DistCollectives, BadInputThrowsNamingTheOp) {
  Tensor i = zeros({2}, {.dtype = kInt64});
  try {
    all_reduce(i);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("all_reduce"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("int64"), std::string::npos) << e.what();
  }
  // An invalid root is MPI's error, reported as nabla::Error on every process.
  Tensor f = zeros({2});
  try {
    broadcast(f, world_size());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broadcast: MPI failed"), std::string::npos) << e.what();
  }
  Tensor undefined;
  EXPECT_THROW(broadcast(undefined, 0), Error);
}

}  // namespace
}  // namespace nabla::dist
