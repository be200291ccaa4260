#include "bench/workloads.h"

namespace nabla::bench {
namespace {

namespace F = nn::functional;
using Loss = Tensor (*)(const Tensor& prediction, const Tensor& target);

// One training step: zero_grad, the loss (forward included), backward, update — the same
// sequence as the PyTorch and LibTorch sides. `loss` owns the model and the data.
Workload training_step(std::string id, std::string description, std::function<Tensor()> loss,
                       std::shared_ptr<optim::Optimizer> optimizer, int iters) {
  auto last = std::make_shared<double>(0);
  auto step = [=] {
    optimizer->zero_grad();
    const Tensor value = loss();
    value.backward();
    optimizer->step();
    *last = value.item<double>();
  };
  return {std::move(id), std::move(description), step, [last] { return *last; }, iters};
}

// A training step on the fixed batch (x, y); `forward` owns the model.
Workload training_step(std::string id, std::string description, std::function<Tensor(const Tensor&)> forward,
                       std::shared_ptr<optim::Optimizer> optimizer, Loss loss_fn, Tensor x, Tensor y, int iters) {
  return training_step(std::move(id), std::move(description), [=] { return loss_fn(forward(x), y); },
                       std::move(optimizer), iters);
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

// A recurrent layer and its head as one module.
struct WithHead : nn::Module {
  WithHead(std::shared_ptr<nn::Module> layer, std::shared_ptr<nn::Linear> head)
      : layer(std::move(layer)), head(std::move(head)) {
    register_module("layer", [](Module& self) -> Module& { return *static_cast<WithHead&>(self).layer; });
    register_module("head", [](Module& self) -> Module& { return *static_cast<WithHead&>(self).head; });
  }
  std::shared_ptr<nn::Module> layer;
  std::shared_ptr<nn::Linear> head;
};

// The recurrent workloads: a recurrent layer and a Linear head, Adam lr 1e-3, MSE.
Workload recurrent(std::string id, std::string description, std::shared_ptr<nn::Module> layer,
                   std::function<Tensor(const Tensor&)> forward, int64_t features, Tensor x, Tensor y, int iters) {
  auto head = std::make_shared<nn::Linear>(nn::LinearOptions{.in_features = features, .out_features = 1});
  auto model = std::make_shared<WithHead>(layer, head);
  auto optimizer = std::make_shared<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 1e-3});
  Workload w = training_step(std::move(id), std::move(description),
                             [layer, head, forward](const Tensor& t) { return (*head)(forward(t)); }, optimizer, mse,
                             x, y, iters);
  w.model = model;
  return w;
}

// R1: the seed's lag-10 LSTM, scaled: input 1, hidden 64, batch 32 (batch_first), 10 steps,
// Linear on the last step.
Workload lstm_last_step() {
  manual_seed(0);
  auto lstm = std::make_shared<nn::LSTM>(nn::LSTMOptions{.input_size = 1, .hidden_size = 64, .batch_first = true});
  const Tensor x = randn({32, 10, 1}), y = randn({32, 1});
  return recurrent("R1", "LSTM 1-64, batch 32, 10 steps, Linear on the last step, MSE, Adam", lstm,
                   [lstm](const Tensor& t) { return (*lstm)(t).output.select(1, 9); }, 64, x, y, 1000);
}

// R2: LSTM input 32, hidden 256, 2 layers, batch 64, 100 steps (time-major), Linear on every step.
Workload lstm_two_layers(int64_t batch) {
  manual_seed(0);
  auto lstm = std::make_shared<nn::LSTM>(nn::LSTMOptions{.input_size = 32, .hidden_size = 256, .num_layers = 2});
  const Tensor x = randn({100, batch, 32}), y = randn({100, batch, 1});
  return recurrent("R2", "LSTM 32-256 x2 layers, batch 64, 100 steps, Linear on every step, MSE, Adam", lstm,
                   [lstm](const Tensor& t) { return (*lstm)(t).output; }, 256, x, y, 3);
}

// R3: bidirectional GRU input 16, hidden 128, batch 32 (batch_first), 50 steps, Linear on every step.
Workload bigru() {
  manual_seed(0);
  auto gru = std::make_shared<nn::GRU>(
      nn::GRUOptions{.input_size = 16, .hidden_size = 128, .batch_first = true, .bidirectional = true});
  const Tensor x = randn({32, 50, 16}), y = randn({32, 50, 1});
  return recurrent("R3", "bidirectional GRU 16-128, batch 32, 50 steps, Linear on every step, MSE, Adam", gru,
                   [gru](const Tensor& t) { return (*gru)(t).output; }, 256, x, y, 20);
}

// R4: RNN tanh input 1, hidden 32, batch 64 (batch_first), 5 steps, Linear on the last step.
Workload small_rnn() {
  manual_seed(0);
  auto rnn = std::make_shared<nn::RNN>(nn::RNNOptions{.input_size = 1, .hidden_size = 32, .batch_first = true});
  const Tensor x = randn({64, 5, 1}), y = randn({64, 1});
  return recurrent("R4", "RNN tanh 1-32, batch 64, 5 steps, Linear on the last step, MSE, Adam", rnn,
                   [rnn](const Tensor& t) { return (*rnn)(t).output.select(1, 4); }, 32, x, y, 2000);
}

// G1: VAE 784 -> 512 -> (2 x 20), 20 -> 512 -> 784, ReLU, batch 128 of inputs uniform in [0, 1),
// Bernoulli decoder: BCE-with-logits summed over the pixels plus the KL to N(0, I), both averaged
// over the batch; Adam lr 1e-3. The reparameterisation draws new noise at every step.
Workload vae() {
  manual_seed(0);
  auto model = std::make_shared<generative::VAE>(
      generative::VAEOptions{.encoder = {.sizes = {784, 512, 20}}, .decoder = {.sizes = {20, 512, 784}}});
  auto optimizer = std::make_shared<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 1e-3});
  const Tensor x = rand({128, 784});
  return training_step("G1", "VAE 784-512-(2x20), 20-512-784 ReLU, batch 128, BCE-with-logits + KL, Adam",
                       [model, x] { return model->loss(x).loss; }, optimizer, 100);
}

// C1's network: Conv2d(1, 32, 3, padding 1) - ReLU - MaxPool2 - Conv2d(32, 64, 3, padding 1) - ReLU -
// MaxPool2 - Flatten - Linear(3136, 128) - ReLU - Linear(128, 10), with Adam lr 1e-3.
struct SmallCnn {
  std::shared_ptr<nn::Sequential> model;
  std::shared_ptr<optim::Adam> optimizer;
};

SmallCnn small_cnn() {
  manual_seed(0);
  auto model = std::make_shared<nn::Sequential>(
      nn::Conv2d({.in_channels = 1, .out_channels = 32, .kernel_size = 3, .padding = 1}), nn::ReLU(),
      nn::MaxPool2d({.kernel_size = 2}),
      nn::Conv2d({.in_channels = 32, .out_channels = 64, .kernel_size = 3, .padding = 1}), nn::ReLU(),
      nn::MaxPool2d({.kernel_size = 2}), nn::Flatten(), nn::Linear({.in_features = 3136, .out_features = 128}),
      nn::ReLU(), nn::Linear({.in_features = 128, .out_features = 10}));
  return {model, std::make_shared<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 1e-3})};
}

// C1: one step of the small CNN on a fixed batch of 64 random 1 x 28 x 28 images.
Workload cnn_step(int64_t batch) {
  const SmallCnn net = small_cnn();
  const Tensor x = randn({batch, 1, 28, 28}), y = randint(0, 10, {batch});
  Workload w =
      training_step("C1", "CNN conv32-pool-conv64-pool-128-10, batch 64 of 1x28x28, cross-entropy, Adam",
                    [model = net.model](const Tensor& t) { return (*model)(t); }, net.optimizer, cross_entropy, x, y, 50);
  w.model = net.model;
  return w;
}

// C1E: an epoch of C1's steps over Fashion-MNIST end to end, from reading the 60,000 training
// images out of their IDX files to the last update, in shuffled batches of 64 that a DataLoader
// builds (one "step" is the whole epoch). Reading the files inside the step also keeps listing
// the workloads from needing the data set.
Workload cnn_epoch() {
  const SmallCnn net = small_cnn();
  auto last = std::make_shared<double>(0);
  auto epoch = [net, last] {
    data::DataLoader loader(data::FashionMNIST({.mean = 0.2860, .stddev = 0.3530}),
                            {.batch_size = 64, .shuffle = true, .seed = 0});
    for (const auto& [images, labels] : loader) {
      net.optimizer->zero_grad();
      const Tensor loss = cross_entropy((*net.model)(images), labels);
      loss.backward();
      net.optimizer->step();
      *last = loss.item<double>();
    }
  };
  return {"C1E", "an epoch of C1 over Fashion-MNIST's 60,000 images, read from the IDX files, DataLoader",
          epoch, [last] { return *last; }, 1, 0, 1};
}

}  // namespace

std::vector<std::string> workload_ids() { return {"W1", "W1A", "W2", "R1", "R2", "R3", "R4", "G1", "C1", "C1E"}; }

Workload make_workload(const std::string& id) {
  if (id == "W1")
    return seed_ffn<optim::SGD>("W1", "seed FFN 4-200-300-1 sigmoid, batch 10, MSE, SGD lr 1e-4",
                                optim::SGDOptions{.lr = 1e-4});
  if (id == "W1A")
    return seed_ffn<optim::Adam>("W1A", "seed FFN 4-200-300-1 sigmoid, batch 10, MSE, Adam lr 1e-3",
                                 optim::AdamOptions{.lr = 1e-3});
  if (id == "W2") return wide_mlp();
  if (id == "R1") return lstm_last_step();
  if (id == "R2") return lstm_two_layers(64);
  if (id == "R3") return bigru();
  if (id == "R4") return small_rnn();
  if (id == "G1") return vae();
  if (id == "C1") return cnn_step(64);
  if (id == "C1E") return cnn_epoch();
  detail::fail("bench", "unknown workload '", id, "'");
}

Workload make_workload(const std::string& id, int64_t batch) {
  NABLA_CHECK(batch > 0, "bench", "batch must be positive, got ", batch);
  if (id == "C1") return cnn_step(batch);
  if (id == "R2") return lstm_two_layers(batch);
  detail::fail("bench", "workload '", id, "' has a fixed batch (C1 and R2 take one)");
}

}  // namespace nabla::bench
