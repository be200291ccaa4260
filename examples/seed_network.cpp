// A first look at nabla, following the seed slides: (a) one sigmoid neuron, (b) a 2-2-1
// network, (c) the feed-forward network 4 -> 200 -> 300 -> 1 with its torchsummary table,
// trained by full-batch gradient descent (SGD lr 1e-4, MSE) with the slides' loop.
#include <cmath>
#include <ostream>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  // (a) One neuron, sigmoid(w · x + b).
  const double neuron = sigmoid(dot(tensor({0, 0.5}), tensor({3, 5})) + 4.0).item<double>();
  log << "(a) neuron: " << neuron << "   (slide: 0.998)\n";

  // (b) Two hidden neurons and one output neuron, every weight [0, 1] and every bias 0.
  const Tensor hidden = sigmoid(linear(tensor({1, 3}), tensor({{0, 1}, {0, 1}})));
  const double network = sigmoid(linear(hidden, tensor({{0, 1}}))).item<double>();
  log << "(b) 2-2-1 network: " << network << "   (slide: 0.72)\n";

  // (c) Full-batch gradient descent on 10 samples of a smooth target, y = sin(x · v) + 1.
  manual_seed(settings.seed);
  nn::MLP model({.sizes = {4, 200, 300, 1}, .activation = nn::Activation::Sigmoid});
  log << "(c) the slides' FeedforwardNeuralNetModel(4, [200, 300], 1):\n";
  nn::print_summary(model, {4}, log);
  const Tensor x = randn({10, 4});
  const Tensor y = (sin(matmul(x, tensor({0.5, -1, 2, 0.3}))) + 1.0).unsqueeze(1);
  const int64_t epochs = settings.epochs.value_or(5000);
  const double lr = settings.lr.value_or(1e-4);
  optim::SGD optimizer(model.parameters(), {.lr = lr});
  train::History history;
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    optimizer.zero_grad();
    const Tensor loss = nn::functional::mse_loss(model(x), y);
    loss.backward();
    optimizer.step();
    history.append({{"loss", loss.item<double>()}});
    if (epoch % 500 == 0 || epoch + 1 == epochs)
      log << "  epoch " << epoch << "  loss " << history["loss"].back() << '\n';
  }
  const double first = history["loss"].front(), last = history["loss"].back();
  const FigureFile figure = save_figure(settings, "loss.png", "(c) the MSE of full-batch SGD per epoch",
                                        {.axes = {plot::loss_curves(history, "4-200-300-1 sigmoid network, SGD")}});
  return {.metrics = {{"neuron", neuron}, {"network_2_2_1", network}, {"first_loss", first}, {"last_loss", last},
                      {"parameters", static_cast<double>(model.num_parameters())}},
          .checks = {{"neuron prints sigma(6.5) = 0.998499", neuron, std::abs(neuron - 0.998499) < 5e-7},
                     {"2-2-1 network prints 0.7216", network, std::abs(network - 0.7216326) < 5e-7},
                     {"the summary's total is 61,601 parameters", static_cast<double>(model.num_parameters()),
                      model.num_parameters() == 61601},
                     {"full-batch SGD lowers the loss", last, last < first}},
          .figures = {figure},
          .config = {{"epochs", static_cast<double>(epochs)}, {"lr", lr}}};
}

const Registration registration({.name = "seed-network",
                                 .seed = "001 (PyTorch slides) and 003 (Robert)",
                                 .title = "a sigmoid neuron, a 2-2-1 network, the 4-200-300-1 network's summary "
                                          "and full-batch SGD",
                                 .run = run});

}  // namespace
}  // namespace nabla::examples
