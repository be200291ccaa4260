// LibTorch (PyTorch's C++ API) side of the harness: the same training steps as
// bench/workloads.cpp, without Python's overhead. Prints the same JSON lines as
// nabla_bench. Built only with -DNABLA_BENCH_LIBTORCH=ON (needs Debian's libtorch-dev).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Workload {
  std::function<void()> step;
  std::function<double()> loss;
  int iters;
};

using Loss = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&);

using Forward = std::function<torch::Tensor(const torch::Tensor&)>;

// zero_grad, forward, loss, backward, update on the fixed batch (x, y).
Workload training_step(Forward forward, std::shared_ptr<torch::optim::Optimizer> opt, Loss loss_fn, torch::Tensor x,
                       torch::Tensor y, int iters) {
  auto last = std::make_shared<double>(0);
  return {[=]() mutable {
            opt->zero_grad();
            auto loss = loss_fn(forward(x), y);
            loss.backward();
            opt->step();
            *last = loss.item<double>();
          },
          [last] { return *last; }, iters};
}

torch::Tensor mse(const torch::Tensor& p, const torch::Tensor& y) { return torch::mse_loss(p, y); }
torch::Tensor cross_entropy(const torch::Tensor& p, const torch::Tensor& y) {
  return torch::nn::functional::cross_entropy(p, y);
}

template <class Optimizer, class Options>
Workload seed_ffn(Options options) {
  torch::manual_seed(0);
  auto model = torch::nn::Sequential(torch::nn::Linear(4, 200), torch::nn::Sigmoid(), torch::nn::Linear(200, 300),
                                     torch::nn::Sigmoid(), torch::nn::Linear(300, 1));
  auto opt = std::make_shared<Optimizer>(model->parameters(), options);
  auto x = torch::randn({10, 4}), y = torch::randn({10, 1});
  return training_step([model](const torch::Tensor& t) mutable { return model->forward(t); }, opt, mse, x, y, 2000);
}

Workload wide_mlp() {
  torch::manual_seed(0);
  auto model = torch::nn::Sequential(torch::nn::Linear(784, 1024), torch::nn::ReLU(), torch::nn::Linear(1024, 1024),
                                     torch::nn::ReLU(), torch::nn::Linear(1024, 10));
  auto opt = std::make_shared<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = torch::randn({256, 784});
  auto y = torch::randint(0, 10, {256});
  return training_step([model](const torch::Tensor& t) mutable { return model->forward(t); }, opt, cross_entropy, x,
                       y, 20);
}

// The recurrent workloads: a recurrent layer and a Linear head, Adam lr 1e-3, MSE.
template <class Layer>
Workload recurrent(Layer layer, int64_t features, std::function<torch::Tensor(Layer&, const torch::Tensor&)> forward,
                   torch::Tensor x, torch::Tensor y, int iters) {
  torch::nn::Linear head(features, 1);
  std::vector<torch::Tensor> params = layer->parameters();
  for (const auto& p : head->parameters()) params.push_back(p);
  auto opt = std::make_shared<torch::optim::Adam>(params, torch::optim::AdamOptions(1e-3));
  return training_step([=](const torch::Tensor& t) mutable { return head->forward(forward(layer, t)); }, opt, mse, x,
                       y, iters);
}

Workload lstm_last_step() {
  torch::manual_seed(0);
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(1, 64).batch_first(true));
  auto x = torch::randn({32, 10, 1}), y = torch::randn({32, 1});
  return recurrent<torch::nn::LSTM>(
      lstm, 64, [](auto& l, const torch::Tensor& t) { return std::get<0>(l->forward(t)).select(1, 9); }, x, y, 1000);
}

Workload lstm_two_layers() {
  torch::manual_seed(0);
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(32, 256).num_layers(2));
  auto x = torch::randn({100, 64, 32}), y = torch::randn({100, 64, 1});
  return recurrent<torch::nn::LSTM>(
      lstm, 256, [](auto& l, const torch::Tensor& t) { return std::get<0>(l->forward(t)); }, x, y, 3);
}

Workload bigru() {
  torch::manual_seed(0);
  torch::nn::GRU gru(torch::nn::GRUOptions(16, 128).batch_first(true).bidirectional(true));
  auto x = torch::randn({32, 50, 16}), y = torch::randn({32, 50, 1});
  return recurrent<torch::nn::GRU>(
      gru, 256, [](auto& l, const torch::Tensor& t) { return std::get<0>(l->forward(t)); }, x, y, 20);
}

Workload small_rnn() {
  torch::manual_seed(0);
  torch::nn::RNN rnn(torch::nn::RNNOptions(1, 32).batch_first(true));
  auto x = torch::randn({64, 5, 1}), y = torch::randn({64, 1});
  return recurrent<torch::nn::RNN>(
      rnn, 32, [](auto& l, const torch::Tensor& t) { return std::get<0>(l->forward(t)).select(1, 4); }, x, y, 2000);
}

// G1's model, with the same layers as nabla's VAE; forward(x) returns the loss, as VAE::loss does.
struct VAEImpl : torch::nn::Module {
  torch::nn::Linear encoder{784, 512}, mu{512, 20}, logvar{512, 20}, hidden{20, 512}, output{512, 784};
  VAEImpl() {
    register_module("encoder", encoder);
    register_module("mu", mu);
    register_module("logvar", logvar);
    register_module("hidden", hidden);
    register_module("output", output);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    namespace F = torch::nn::functional;
    auto h = torch::relu(encoder->forward(x));
    auto m = mu->forward(h), lv = logvar->forward(h);
    auto z = m + torch::randn_like(m) * torch::exp(lv * 0.5);
    auto logits = output->forward(torch::relu(hidden->forward(z)));
    auto nll = F::binary_cross_entropy_with_logits(
                   logits, x, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone))
                   .sum(1);
    auto kl = (lv.exp() + m.square() - 1 - lv).sum(-1) * 0.5;
    return nll.mean() + kl.mean();
  }
};
TORCH_MODULE(VAE);

// G1: VAE 784-512-(2x20), 20-512-784 ReLU, batch 128 of U[0, 1) inputs, BCE-with-logits + KL, Adam.
Workload vae() {
  torch::manual_seed(0);
  VAE model;
  auto opt = std::make_shared<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = torch::rand({128, 784});
  return training_step([model](const torch::Tensor& t) mutable { return model->forward(t); }, opt,
                       [](const torch::Tensor& loss, const torch::Tensor&) { return loss; }, x, x, 100);
}

// C1: Conv2d(1, 32, 3, padding 1) - ReLU - MaxPool2 - Conv2d(32, 64, 3, padding 1) - ReLU - MaxPool2 -
// Flatten - Linear(3136, 128) - ReLU - Linear(128, 10), batch 64 of 1 x 28 x 28, cross-entropy, Adam.
Workload cnn_step() {
  torch::manual_seed(0);
  auto model = torch::nn::Sequential(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1)), torch::nn::ReLU(), torch::nn::MaxPool2d(2),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)), torch::nn::ReLU(), torch::nn::MaxPool2d(2),
      torch::nn::Flatten(), torch::nn::Linear(3136, 128), torch::nn::ReLU(), torch::nn::Linear(128, 10));
  auto opt = std::make_shared<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = torch::randn({64, 1, 28, 28});
  auto y = torch::randint(0, 10, {64});
  return training_step([model](const torch::Tensor& t) mutable { return model->forward(t); }, opt, cross_entropy, x,
                       y, 50);
}

Workload make_workload(const std::string& id) {
  if (id == "W1") return seed_ffn<torch::optim::SGD>(torch::optim::SGDOptions(1e-4));
  if (id == "W1A") return seed_ffn<torch::optim::Adam>(torch::optim::AdamOptions(1e-3));
  if (id == "W2") return wide_mlp();
  if (id == "R1") return lstm_last_step();
  if (id == "R2") return lstm_two_layers();
  if (id == "R3") return bigru();
  if (id == "R4") return small_rnn();
  if (id == "G1") return vae();
  if (id == "C1") return cnn_step();
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> ids;
  int threads = 1, iters = 0, repeats = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-w" && i + 1 < argc) ids.push_back(argv[++i]);
    else if (a == "-t" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "-n" && i + 1 < argc) iters = std::stoi(argv[++i]);
    else if (a == "-r" && i + 1 < argc) repeats = std::stoi(argv[++i]);
    else {
      std::cerr << "usage: libtorch_bench [-w W1]... [-t threads] [-n iters] [-r repeats]\n";
      return 2;
    }
  }
  if (ids.empty()) ids = {"W1", "W1A", "W2", "R1", "R2", "R3", "R4", "G1", "C1"};
  torch::set_num_threads(threads);
  for (const std::string& id : ids) {
    Workload w = make_workload(id);
    // The epoch workloads (C1E) have no LibTorch version: the harness then has PyTorch's alone.
    if (!w.step) {
      std::cerr << "libtorch_bench: no workload " << id << ", skipped\n";
      continue;
    }
    const int n = iters > 0 ? iters : w.iters;
    for (int i = 0; i < 10; ++i) w.step();
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) w.step();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / n);
    }
    std::sort(ms.begin(), ms.end());
    std::cout << "{\"workload\": \"" << id << "\", \"threads\": " << threads << ", \"ms\": " << ms[ms.size() / 2]
              << ", \"loss\": " << w.loss() << "}" << std::endl;
  }
}
