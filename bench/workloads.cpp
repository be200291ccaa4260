#include "bench/workloads.h"

namespace nabla::bench {
namespace {

// Plain SGD written out until the benchmark switches to nabla::optim: p -= lr * grad.
void sgd_step(nn::Module& model, double lr) {
  NoGradGuard guard;
  for (Tensor p : model.parameters()) p.sub_(p.grad(), lr);
  model.zero_grad();
}

// W1: the seed network 4 -> 200 -> 300 -> 1 with sigmoids, batch 10, MSE, SGD lr 1e-4.
Workload seed_ffn() {
  manual_seed(0);
  auto model = std::make_shared<nn::Sequential>(
      nn::Linear({.in_features = 4, .out_features = 200}), nn::Sigmoid(),
      nn::Linear({.in_features = 200, .out_features = 300}), nn::Sigmoid(),
      nn::Linear({.in_features = 300, .out_features = 1}));
  auto x = std::make_shared<Tensor>(randn({10, 4}));
  auto y = std::make_shared<Tensor>(randn({10, 1}));
  auto last = std::make_shared<double>(0);
  auto step = [=] {
    const Tensor diff = (*model)(*x) - *y;
    const Tensor loss = mean(diff * diff);
    loss.backward();
    sgd_step(*model, 1e-4);
    *last = loss.item<double>();
  };
  return {"W1", "seed FFN 4-200-300-1 sigmoid, batch 10, MSE, SGD", step, [last] { return *last; }, 2000};
}

// W2: MLP 784 -> 1024 -> 1024 -> 10 with ReLU, batch 256, cross-entropy, SGD lr 1e-2
// (SGD until the optimizers land; PyTorch's side runs the same).
Workload wide_mlp() {
  manual_seed(0);
  auto model = std::make_shared<nn::Sequential>(
      nn::Linear({.in_features = 784, .out_features = 1024}), nn::ReLU(),
      nn::Linear({.in_features = 1024, .out_features = 1024}), nn::ReLU(),
      nn::Linear({.in_features = 1024, .out_features = 10}));
  auto x = std::make_shared<Tensor>(randn({256, 784}));
  auto y = std::make_shared<Tensor>(randint(0, 10, {256, 1}));
  auto last = std::make_shared<double>(0);
  auto step = [=] {
    const Tensor loss = neg(mean(gather(log_softmax((*model)(*x), 1), 1, *y)));
    loss.backward();
    sgd_step(*model, 1e-2);
    *last = loss.item<double>();
  };
  return {"W2", "MLP 784-1024-1024-10 ReLU, batch 256, cross-entropy, SGD", step, [last] { return *last; }, 20};
}

}  // namespace

std::vector<std::string> workload_ids() { return {"W1", "W2"}; }

Workload make_workload(const std::string& id) {
  if (id == "W1") return seed_ffn();
  if (id == "W2") return wide_mlp();
  detail::fail("bench", "unknown workload '", id, "'");
}

}  // namespace nabla::bench
