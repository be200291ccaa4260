// Seed 003's regularisation: a network with far more parameters than data points fits the
// points' noise, and its validation loss rises again as training goes on; an L2 penalty on the
// weights (the seed's D = Δ/m + λθ for j ≠ 0, so not on the biases) or dropout keeps it lower.
//
// The task: 20 noisy samples (σ = 0.3) of y = sin(3x) on [-1, 1] for training and 200 more for
// validation, and an MLP 1 -> 256 -> 256 -> 1 (tanh, 66,561 parameters) trained full-batch by
// Adam three times from the same initial weights: without regularisation, with weight_decay on
// the weight matrices only (optim::split_decay puts the biases in a group without decay), and
// with dropout after each hidden layer. Both losses are measured in eval mode (no dropout) every
// 10 epochs; the validation loss cannot go below the noise variance 0.09.
#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;

constexpr int64_t kTrain = 20, kValidation = 200, kHidden = 256, kEvaluateEvery = 10;
constexpr double kNoise = 0.3;

struct Split {
  Tensor x, y;  // [N, 1]
};

Split samples(int64_t n) {
  const Tensor x = rand({n, 1}) * 2.0 - 1.0;
  return {x, sin(x * 3.0) + randn({n, 1}) * kNoise};
}

struct Variant {
  std::string key;   // in the metrics' names
  std::string name;  // in the figure
  double weight_decay = 0;
  double dropout = 0;
};

struct Result {
  std::vector<double> epochs, loss, val_loss;  // every kEvaluateEvery epochs
  double best_validation = INFINITY;
  Tensor fit;  // the trained model on the plotting grid
};

Result train_variant(const Variant& v, const Settings& settings, const Split& train_set,
                     const Split& validation, const Tensor& grid, int64_t epochs, double lr) {
  manual_seed(settings.seed);  // the same initial weights for every variant
  nn::MLP model(
      {.sizes = {1, kHidden, kHidden, 1}, .activation = nn::Activation::Tanh, .dropout = v.dropout});
  optim::Adam optimizer(optim::split_decay(model.named_parameters(), v.weight_decay), {.lr = lr});
  Result r;
  for (int64_t epoch = 1; epoch <= epochs; ++epoch) {
    train::check_interrupt("regularisation");
    model.train();
    optimizer.zero_grad();
    F::mse_loss(model(train_set.x), train_set.y).backward();
    optimizer.step();
    if (epoch % kEvaluateEvery != 0 && epoch != epochs) continue;
    NoGradGuard no_grad;
    model.eval();
    r.epochs.push_back(static_cast<double>(epoch));
    r.loss.push_back(F::mse_loss(model(train_set.x), train_set.y).item<double>());
    r.val_loss.push_back(F::mse_loss(model(validation.x), validation.y).item<double>());
    r.best_validation = std::min(r.best_validation, r.val_loss.back());
  }
  save_model(settings, v.key, model);
  NoGradGuard no_grad;
  r.fit = model(grid).flatten();
  log_of(settings) << "  " << v.name << ": training loss " << r.loss.back() << ", validation loss "
                   << r.val_loss.back() << " (best " << r.best_validation << ")\n";
  return r;
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const Split train_set = samples(kTrain), validation = samples(kValidation);
  const int64_t epochs = settings.epochs.value_or(5000);
  const double lr = settings.lr.value_or(1e-3);
  const double weight_decay = settings.param("weight_decay", 1e-2), dropout = settings.param("dropout", 0.5);
  log << kTrain << " noisy samples of sin(3x) (sigma " << kNoise << "), " << kValidation
      << " for validation; MLP 1-" << kHidden << "-" << kHidden << "-1 tanh, " << epochs
      << " epochs of full-batch Adam (lr " << lr << ")\n";

  const std::vector<Variant> variants{
      {.key = "none", .name = "no regularisation"},
      {.key = "l2", .name = "L2 (weight decay, not on biases)", .weight_decay = weight_decay},
      {.key = "dropout", .name = "dropout", .dropout = dropout}};
  const Tensor grid = linspace(-1, 1, 200).unsqueeze(1);
  plot::Axes fits{
      .title = "the fits",
      .xlabel = "x",
      .ylabel = "y",
      .legend = plot::Legend::BottomRight,
      .series = {
          plot::Line{
              .x = grid.flatten(), .y = sin(grid * 3.0).flatten(), .label = "sin(3x)", .color = "black"},
          plot::Scatter{.x = train_set.x.flatten(),
                        .y = train_set.y.flatten(),
                        .label = "training data",
                        .color = "black"}}};
  plot::Axes training{.title = "training loss", .xlabel = "epoch", .ylabel = "MSE", .logy = true},
      validating{.title = "validation loss",
                 .xlabel = "epoch",
                 .ylabel = "MSE",
                 .yrange = plot::Range{0.05, 1},
                 .logy = true,
                 .series = {plot::HLine{.y = kNoise * kNoise, .label = "noise variance"}}};
  Outcome outcome;
  std::vector<Result> results;
  for (const Variant& v : variants) {
    results.push_back(train_variant(v, settings, train_set, validation, grid, epochs, lr));
    const Result& r = results.back();
    training.series.push_back(plot::Line{.x = r.epochs, .y = r.loss, .label = v.name});
    validating.series.push_back(plot::Line{.x = r.epochs, .y = r.val_loss, .label = v.name});
    fits.series.push_back(plot::Line{.x = grid.flatten(), .y = r.fit, .label = v.name});
    outcome.metrics.push_back({"final_val_loss_" + v.key, r.val_loss.back()});
    outcome.metrics.push_back({"best_val_loss_" + v.key, r.best_validation});
    outcome.metrics.push_back({"final_loss_" + v.key, r.loss.back()});
  }
  outcome.figures = {
      save_figure(settings, "regularisation.png",
                  "training and validation MSE without regularisation, with L2 and with dropout, "
                  "and the three fits",
                  {.axes = {training, validating, fits}, .width = 16, .height = 4.5})};

  const double none = results[0].val_loss.back(), l2 = results[1].val_loss.back(),
               drop = results[2].val_loss.back();
  // The final losses are compared, not the best ones: stopping at the best epoch is early
  // stopping, itself a regulariser, and with it the three end up within noise of each other.
  const double none_best = results[0].best_validation;
  outcome.checks = {{"without regularisation the network over-fits: final validation loss above its best",
                     none, none > none_best},
                    {"L2 lowers the final validation loss", l2, l2 < none},
                    {"dropout lowers the final validation loss", drop, drop < none}};
  outcome.config = {{"epochs", static_cast<double>(epochs)},
                    {"lr", lr},
                    {"weight_decay", weight_decay},
                    {"dropout", dropout},
                    {"hidden", static_cast<double>(kHidden)}};
  return outcome;
}

const Registration registration({.name = "regularisation",
                                 .seed = "003 (Robert, Deep Learning)",
                                 .title = "over-fitting 20 noisy points with a wide MLP, and how L2 (biases "
                                          "excluded) and dropout lower the validation loss",
                                 .run = run,
                                 .hyperparameters = {"weight_decay", "dropout"}});

}  // namespace
}  // namespace nabla::examples
