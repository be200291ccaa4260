// Seed 001's feed-forward network 4 -> 200 -> 300 -> 1 (sigmoid) with its torchsummary table,
// trained by full-batch gradient descent (SGD lr 1e-4, MSE) with the slides' loop. (The neuron
// and the 2-2-1 network that come before it in the seeds are the `neuron` example.)
#include <cmath>
#include <ostream>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  // Full-batch gradient descent on 10 samples of a smooth target, y = sin(x · v) + 1.
  manual_seed(settings.seed);
  nn::MLP model({.sizes = {4, 200, 300, 1}, .activation = nn::Activation::Sigmoid});
  log << "the slides' FeedforwardNeuralNetModel(4, [200, 300], 1):\n";
  nn::print_summary(model, {4}, log);
  const Tensor x = randn({10, 4});
  const Tensor y = (sin(matmul(x, tensor({0.5, -1, 2, 0.3}))) + 1.0).unsqueeze(1);
  const int64_t epochs = settings.epochs.value_or(5000);
  const double lr = settings.lr.value_or(1e-4);
  optim::SGD optimizer(model.parameters(), {.lr = lr});
  train::History history;
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    train::check_interrupt("seed-network");
    optimizer.zero_grad();
    const Tensor loss = nn::functional::mse_loss(model(x), y);
    loss.backward();
    optimizer.step();
    history.append({{"loss", loss.item<double>()}});
    if (epoch % 500 == 0 || epoch + 1 == epochs)
      log << "  epoch " << epoch << "  loss " << history["loss"].back() << '\n';
  }
  save_model(settings, "mlp", model);
  const double first = history["loss"].front(), last = history["loss"].back();
  const FigureFile figure =
      save_figure(settings, "loss.png", "the MSE of full-batch SGD per epoch",
                  {.axes = {plot::loss_curves(history, "4-200-300-1 sigmoid network, SGD")}});
  return {.metrics = {{"first_loss", first},
                      {"last_loss", last},
                      {"parameters", static_cast<double>(model.num_parameters())}},
          .checks = {{"the summary's total is 61,601 parameters", static_cast<double>(model.num_parameters()),
                      model.num_parameters() == 61601},
                     {"full-batch SGD lowers the loss", last, last < first}},
          .figures = {figure},
          .config = {{"epochs", static_cast<double>(epochs)}, {"lr", lr}}};
}

const Registration registration({.name = "seed-network",
                                 .seed = "001 (PyTorch slides)",
                                 .title = "the 4-200-300-1 sigmoid network's summary and full-batch SGD",
                                 .run = run});

}  // namespace
}  // namespace nabla::examples
