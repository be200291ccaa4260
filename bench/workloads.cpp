#include "bench/workloads.h"

namespace nabla::bench {
namespace {

namespace F = nn::functional;
using Loss = Tensor (*)(const Tensor& prediction, const Tensor& target);

// One training step on the fixed batch (x, y): zero_grad, forward, loss, backward, update —
// the same sequence as the PyTorch and LibTorch sides. `forward` owns the model.
Workload training_step(std::string id, std::string description, std::function<Tensor(const Tensor&)> forward,
                       std::shared_ptr<optim::Optimizer> optimizer, Loss loss_fn, Tensor x, Tensor y, int iters) {
  auto last = std::make_shared<double>(0);
  auto step = [=] {
    optimizer->zero_grad();
    const Tensor loss = loss_fn(forward(x), y);
    loss.backward();
    optimizer->step();
    *last = loss.item<double>();
  };
  return {std::move(id), std::move(description), step, [last] { return *last; }, iters};
}

Tensor mse(const Tensor& prediction, const Tensor& target) { return F::mse_loss(prediction, target); }
Tensor cross_entropy(const Tensor& logits, const Tensor& labels) { return F::cross_entropy(logits, labels); }

// The seed network 4 -> 200 -> 300 -> 1 with sigmoids, batch 10, MSE.
template <class Optimizer, class Options>
Workload seed_ffn(std::string id, std::string description, Options options) {
  manual_seed(0);
  auto model = std::make_shared<nn::Sequential>(
      nn::Linear({.in_features = 4, .out_features = 200}), nn::Sigmoid(),
      nn::Linear({.in_features = 200, .out_features = 300}), nn::Sigmoid(),
      nn::Linear({.in_features = 300, .out_features = 1}));
  auto optimizer = std::make_shared<Optimizer>(model->parameters(), options);
  const Tensor x = randn({10, 4}), y = randn({10, 1});
  return training_step(std::move(id), std::move(description), [model](const Tensor& t) { return (*model)(t); },
                       optimizer, mse, x, y, 2000);
}

// W2: MLP 784 -> 1024 -> 1024 -> 10 with ReLU, batch 256, cross-entropy, Adam lr 1e-3.
Workload wide_mlp() {
  manual_seed(0);
  auto model = std::make_shared<nn::Sequential>(
      nn::Linear({.in_features = 784, .out_features = 1024}), nn::ReLU(),
      nn::Linear({.in_features = 1024, .out_features = 1024}), nn::ReLU(),
      nn::Linear({.in_features = 1024, .out_features = 10}));
  auto optimizer = std::make_shared<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 1e-3});
  const Tensor x = randn({256, 784}), y = randint(0, 10, {256});
  return training_step("W2", "MLP 784-1024-1024-10 ReLU, batch 256, cross-entropy, Adam", [model](const Tensor& t) { return (*model)(t); }, optimizer, cross_entropy, x, y, 20);
}

}  // namespace

std::vector<std::string> workload_ids() { return {"W1", "W1A", "W2"}; }

Workload make_workload(const std::string& id) {
  if (id == "W1")
    return seed_ffn<optim::SGD>("W1", "seed FFN 4-200-300-1 sigmoid, batch 10, MSE, SGD lr 1e-4",
                                optim::SGDOptions{.lr = 1e-4});
  if (id == "W1A")
    return seed_ffn<optim::Adam>("W1A", "seed FFN 4-200-300-1 sigmoid, batch 10, MSE, Adam lr 1e-3",
                                 optim::AdamOptions{.lr = 1e-3});
  if (id == "W2") return wide_mlp();
  detail::fail("bench", "unknown workload '", id, "'");
}

}  // namespace nabla::bench
