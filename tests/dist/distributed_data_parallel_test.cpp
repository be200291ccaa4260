// DistributedDataParallel, run by every process of an mpirun job: replicas trained on their
// shards of each global batch end where one process trained on the whole batches ends.
#include "nabla/dist/distributed_data_parallel.h"

#include <gtest/gtest.h>

#include <string>

#include "nabla/dist/collectives.h"
#include "nabla/dist/process_group.h"
#include "tests/dist/training.h"

namespace nabla::dist {
namespace {

using testing::batch_indices;
using testing::kGlobalBatch;
using testing::mlp_problem;
using testing::Problem;

constexpr int kSteps = 5;

// True when every process holds rank 0's values.
bool same_on_every_rank(const nn::Module& m) {
  bool same = true;
  for (const Tensor& p : m.parameters()) {
    Tensor root = p.detach().clone();
    broadcast(root, 0);
    same = same && equal(root, p.detach());
  }
  return all_reduce(same ? 1.0 : 0.0, ReduceOp::Min) == 1;
}

// Trains `replica` under DDP and `reference` (rank 0's initial parameters) alone for kSteps
// global batches; returns how far apart they end.
template <class Model>
double train_both(Model& replica, Model& reference, Problem replica_problem, Problem reference_problem,
                  DistributedDataParallelOptions options, int expected_buckets) {
  DistributedDataParallel ddp(replica, options);
  EXPECT_EQ(ddp.num_buckets(), expected_buckets);
  EXPECT_TRUE(same_on_every_rank(replica));
  reference.load_state_dict(replica.state_dict());
  optim::SGD replica_opt(replica.parameters(), testing::sgd()),
      reference_opt(reference.parameters(), testing::sgd());
  for (int64_t step = 0; step < kSteps; ++step) {
    testing::train_step(replica_problem, replica_opt,
                        batch_indices(replica_problem, world_size(), {rank()}, step));
    testing::train_global_step(reference_problem, reference_opt, world_size(), step);
  }
  EXPECT_TRUE(same_on_every_rank(replica));
  return testing::max_difference(replica, reference);
}

TEST(DistributedDataParallel, MLPMatchesOneProcessWithTheGlobalBatch) {
  ASSERT_EQ(kGlobalBatch % world_size(), 0);
  const nn::MLPOptions options = testing::mlp_options();
  manual_seed(100 + rank());  // different replicas, until DDP broadcasts rank 0's
  nn::MLP replica(options), reference(options);
  // One bucket, then buckets of at most 600 bytes (but for a larger weight alone), whose
  // reductions start while backward is still running.
  EXPECT_LT(train_both(replica, reference, mlp_problem(replica), mlp_problem(reference), {}, 1), 1e-12);
  nn::MLP replica2(options), reference2(options);
  EXPECT_LT(train_both(replica2, reference2, mlp_problem(replica2), mlp_problem(reference2),
                       {.bucket_cap_mb = 600.0 / (1 << 20)}, 4),
            1e-12);
}

Problem lstm_problem(testing::Recurrent& net) {
  manual_seed(2);
  Tensor x = randn({6, 40, 3});  // [T, N, 3]: kSteps global batches
  return {.inputs = x,
          .targets = tanh(x.sum({0, 2}).unsqueeze(1)),
          .batch_dim = 1,
          .model = [&net](const Tensor& in) { return net.forward(in); }};
}

TEST(DistributedDataParallel, LSTMMatchesOneProcessWithTheGlobalBatch) {
  manual_seed(200 + rank());
  testing::Recurrent replica, reference;
  // float32: the replicas sum their halves of the batch in another order than one process does.
  EXPECT_LT(train_both(replica, reference, lstm_problem(replica), lstm_problem(reference),
                       {.bucket_cap_mb = 0.001}, 3),
            1e-5);
}

TEST(DistributedDataParallel, UnusedParameterIsNamed) {
  testing::Recurrent net;
  DistributedDataParallel ddp(net);
  Tensor x = randn({2, 4, 8});
  net.head(select(x, 0, 1)).sum().backward();  // the LSTM gets no gradient
  try {
    net.head(select(x, 0, 1)).sum().backward();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lstm.weight_ih_l0"), std::string::npos) << e.what();
  }
  // The reducer starts afresh: a full backward now averages.
  net.zero_grad();
  net.forward(randn({3, 2, 3}) * static_cast<double>(rank() + 1)).sum().backward();
  EXPECT_TRUE(same_on_every_rank(net));
  Tensor g = net.head.weight.grad().clone(), g0 = g.clone();
  broadcast(g0, 0);
  EXPECT_TRUE(equal(g, g0));
}

TEST(DistributedDataParallel, BadOptionsThrow) {
  nn::Linear net({.in_features = 2, .out_features = 2});
  EXPECT_THROW(DistributedDataParallel(net, {.bucket_cap_mb = 0}), Error);
}

}  // namespace
}  // namespace nabla::dist
