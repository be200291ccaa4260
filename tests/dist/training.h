#pragma once
// What the dist tests train: models, data, and SGD steps of a replica on its shard of each
// global batch next to a one-process reference on the whole batch.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "nabla/data/distributed_sampler.h"
#include "nabla/nabla.h"

namespace nabla::testing {

// An LSTM read at its last step by a linear head: x [T, N, 3] -> [N, 1].
struct Recurrent : nn::Module {
  nn::LSTM lstm{{.input_size = 3, .hidden_size = 8}};
  nn::Linear head{{.in_features = 8, .out_features = 1}};
  Recurrent() {
    register_module("lstm", &Recurrent::lstm);
    register_module("head", &Recurrent::head);
  }
  Tensor forward(const Tensor& x) { return head(select(lstm(x).output, 0, x.size(0) - 1)); }
};

// Samples per step, over all processes.
constexpr int64_t kGlobalBatch = 8;

// A regression problem: samples along `batch_dim` of inputs and targets, one loss function.
struct Problem {
  Tensor inputs;
  Tensor targets;
  int64_t batch_dim = 0;
  std::function<Tensor(const Tensor&)> model;
};

inline Tensor samples(const Tensor& t, int64_t dim, const std::vector<int64_t>& indices) {
  return index_select(t, dim, from_vector(indices, {static_cast<int64_t>(indices.size())}));
}

// Step `step`'s samples of the given ranks' shards (kGlobalBatch / world each): what replica
// `rank` trains on then, or, with every rank, the global batch.
inline std::vector<int64_t> batch_indices(const Problem& p, int64_t world, const std::vector<int64_t>& ranks,
                                          int64_t step) {
  const int64_t size = kGlobalBatch / world;
  std::vector<int64_t> batch;
  for (int64_t r : ranks) {
    const std::vector<int64_t> shard =
        data::DistributedSampler(p.targets.size(0), {.num_replicas = world, .rank = r, .seed = 11}).indices();
    NABLA_CHECK(static_cast<int64_t>(shard.size()) >= (step + 1) * size, "batch_indices", "step ", step,
                " needs more than the shard's ", shard.size(), " samples");
    batch.insert(batch.end(), shard.begin() + step * size, shard.begin() + (step + 1) * size);
  }
  return batch;
}

// One SGD step (mean squared error) on the given samples.
inline void train_step(const Problem& p, optim::Optimizer& opt, const std::vector<int64_t>& indices) {
  opt.zero_grad();
  const Tensor x = samples(p.inputs, p.batch_dim, indices), y = samples(p.targets, 0, indices);
  nn::functional::mse_loss(p.model(x), y).backward();
  opt.step();
}

// The step one process takes on the global batch of a `world`-process run.
inline void train_global_step(const Problem& p, optim::Optimizer& opt, int64_t world, int64_t step) {
  std::vector<int64_t> everyone;
  for (int64_t r = 0; r < world; ++r) everyone.push_back(r);
  train_step(p, opt, batch_indices(p, world, everyone, step));
}

inline nn::MLPOptions mlp_options() {
  return {.sizes = {4, 16, 16, 1}, .activation = nn::Activation::Tanh, .dtype = kFloat64};
}

inline Problem mlp_problem(nn::MLP& net) {
  manual_seed(1);  // the same data on every process
  Tensor x = randn({64, 4}, {.dtype = kFloat64});
  return {
      .inputs = x, .targets = sin(x.sum({1}, true)), .model = [&net](const Tensor& in) { return net(in); }};
}

inline optim::SGDOptions sgd() { return {.lr = 0.1, .momentum = 0.9}; }

// Max |a - b| over the modules' parameters.
inline double max_difference(const nn::Module& a, const nn::Module& b) {
  const std::vector<Tensor> pa = a.parameters(), pb = b.parameters();
  double worst = 0;
  for (size_t i = 0; i < pa.size(); ++i) worst = std::max(worst, max(abs(pa[i] - pb[i])).item());
  return worst;
}

}  // namespace nabla::testing
