#include "bench/workloads.h"

#include <cmath>

namespace nabla::bench {
namespace {

// A Linear layer's parameters with PyTorch's default initialisation bounds.
struct LinearParams {
  Tensor weight, bias;
  LinearParams(int64_t in, int64_t out) {
    const double bound = 1 / std::sqrt(static_cast<double>(in));
    weight = uniform_(empty({out, in}), -bound, bound).requires_grad_();
    bias = uniform_(empty({out}), -bound, bound).requires_grad_();
  }
  Tensor operator()(const Tensor& x) const { return linear(x, weight, bias); }
};

void sgd_step(const std::vector<LinearParams*>& layers, double lr) {
  NoGradGuard guard;
  for (LinearParams* l : layers)
    for (Tensor* p : {&l->weight, &l->bias}) {
      p->sub_(p->grad(), lr);
      p->mutable_grad() = Tensor();
    }
}

// W1: the seed network 4 -> 200 -> 300 -> 1 with sigmoids, batch 10, MSE, SGD lr 1e-4.
Workload seed_ffn() {
  manual_seed(0);
  auto fc1 = std::make_shared<LinearParams>(4, 200);
  auto fc2 = std::make_shared<LinearParams>(200, 300);
  auto out = std::make_shared<LinearParams>(300, 1);
  auto x = std::make_shared<Tensor>(randn({10, 4}));
  auto y = std::make_shared<Tensor>(randn({10, 1}));
  auto last = std::make_shared<double>(0);
  auto step = [=] {
    const Tensor y_hat = (*out)(sigmoid((*fc2)(sigmoid((*fc1)(*x)))));
    const Tensor diff = y_hat - *y;
    const Tensor loss = mean(diff * diff);
    loss.backward();
    sgd_step({fc1.get(), fc2.get(), out.get()}, 1e-4);
    *last = loss.item<double>();
  };
  return {"W1", "seed FFN 4-200-300-1 sigmoid, batch 10, MSE, SGD", step, [last] { return *last; }, 2000};
}

// W2: MLP 784 -> 1024 -> 1024 -> 10 with ReLU, batch 256, cross-entropy, SGD lr 1e-2
// (SGD until the optimizers land; PyTorch's side runs the same).
Workload wide_mlp() {
  manual_seed(0);
  auto fc1 = std::make_shared<LinearParams>(784, 1024);
  auto fc2 = std::make_shared<LinearParams>(1024, 1024);
  auto out = std::make_shared<LinearParams>(1024, 10);
  auto x = std::make_shared<Tensor>(randn({256, 784}));
  auto y = std::make_shared<Tensor>(randint(0, 10, {256, 1}));
  auto last = std::make_shared<double>(0);
  auto step = [=] {
    const Tensor logits = (*out)(relu((*fc2)(relu((*fc1)(*x)))));
    const Tensor loss = neg(mean(gather(log_softmax(logits, 1), 1, *y)));
    loss.backward();
    sgd_step({fc1.get(), fc2.get(), out.get()}, 1e-2);
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
