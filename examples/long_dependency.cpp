// Seed 002's point about gated recurrent layers: a plain tanh RNN cannot carry information over
// many steps (its gradient through the recurrence vanishes), where an LSTM or a GRU can. The task
// is the adding problem (Hochreiter & Schmidhuber 1997; here as in Le et al. 2015): each step has
// two inputs, a number uniform in [0, 1] and a marker that is 1 at exactly two steps, one in
// each half of the sequence, and 0 elsewhere; the target, read from the final state, is the sum
// of the two marked numbers. Predicting the mean sum 1 gives MSE Var(u1 + u2) = 2/12 ≈ 0.167, the
// baseline a model stays at until it learns to remember the first marked number across about
// half of the sequence.
//
// The three models are timeseries::RecurrentRegressor (the recurrent layer, PyTorch's default
// initialisation, and a linear read-out of the last state) of the same hidden size, each trained
// from the same seed by Adam on fresh random batches with the gradient norm clipped, and
// validated on one fixed set of sequences.
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

constexpr double kBaseline = 2.0 / 12;  // Var(u1 + u2): the MSE of always predicting 1
constexpr int64_t kValidation = 1000, kEvaluateEvery = 50;
constexpr double kClip = 1.0;

struct Batch {
  Tensor x;  // [B, T, 2]: the numbers and the markers
  Tensor y;  // [B, 1]: the sum of the two marked numbers
};

Batch adding_problem(int64_t batch, int64_t length) {
  const Tensor numbers = rand({batch, length});
  const Tensor steps = arange(length, {.dtype = kInt64}).unsqueeze(0);
  const Tensor first = randint(0, length / 2, {batch, 1}), second = randint(length / 2, length, {batch, 1});
  const Tensor markers = eq(steps, first).to(kFloat32) + eq(steps, second).to(kFloat32);
  return {stack({numbers, markers}, 2), sum(numbers * markers, {1}, true)};
}

struct Model {
  std::string key;  // in the metrics' names
  std::string name;
  nn::RNNMode mode;
};

struct Result {
  std::vector<double> iterations, validation;  // the validation MSE every kEvaluateEvery iterations
  double best = INFINITY;
};

Result train(const Model& m, const Settings& settings, const Batch& validation, int64_t length,
             int64_t hidden, int64_t iterations, int64_t batch, double lr) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  timeseries::RecurrentRegressor model({.mode = m.mode, .input_size = 2, .hidden_size = hidden});
  optim::Adam optimizer(model.parameters(), {.lr = lr});
  Result r;
  for (int64_t i = 1; i <= iterations; ++i) {
    train::check_interrupt("long-dependency");
    const Batch b = adding_problem(batch, length);
    optimizer.zero_grad();
    F::mse_loss(model(b.x), b.y).backward();
    optim::clip_grad_norm_(model.parameters(), kClip);
    optimizer.step();
    if (i % kEvaluateEvery == 0 || i == iterations) {
      NoGradGuard no_grad;
      const double mse = F::mse_loss(model(validation.x), validation.y).item<double>();
      r.iterations.push_back(static_cast<double>(i));
      r.validation.push_back(mse);
      r.best = std::min(r.best, mse);
    }
  }
  save_model(settings, m.key, model);
  log << "  " << m.name << " (" << model.num_parameters() << " parameters): validation MSE "
      << r.validation.back() << ", best " << r.best << '\n';
  return r;
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const auto length = static_cast<int64_t>(settings.param("length", settings.full ? 150 : 100));
  const auto hidden = static_cast<int64_t>(settings.param("hidden", 32));
  NABLA_CHECK(length >= 4, "long-dependency", "the sequence length must be at least 4, got ", length);
  const int64_t iterations = settings.epochs.value_or(settings.full ? 3000 : 1500);
  const int64_t batch = settings.batch_size.value_or(64);
  const double lr = settings.lr.value_or(1e-2);
  manual_seed(settings.seed + 1);  // the validation set, apart from the training batches
  const Batch validation = adding_problem(kValidation, length);
  log << "adding problem, sequences of " << length << " steps; hidden size " << hidden << ", " << iterations
      << " Adam iterations of " << batch << " fresh sequences (lr " << lr << ", gradient norm clipped at "
      << kClip << "); baseline MSE " << kBaseline << '\n';

  const std::vector<Model> models{{"rnn", "RNN", nn::RNNMode::RNN_TANH},
                                  {"lstm", "LSTM", nn::RNNMode::LSTM},
                                  {"gru", "GRU", nn::RNNMode::GRU}};
  std::vector<Result> results;
  plot::Axes curves{.title = "adding problem, T = " + std::to_string(length),
                    .xlabel = "iteration",
                    .ylabel = "validation MSE",
                    .logy = true,
                    .legend = plot::Legend::BottomLeft,
                    .series = {plot::HLine{.y = kBaseline, .label = "baseline (predict 1)"}}};
  Outcome outcome;
  for (const Model& m : models) {
    results.push_back(train(m, settings, validation, length, hidden, iterations, batch, lr));
    curves.series.push_back(
        plot::Line{.x = results.back().iterations, .y = results.back().validation, .label = m.name});
    outcome.metrics.push_back({m.key + "_final_val_mse", results.back().validation.back()});
    outcome.metrics.push_back({m.key + "_best_val_mse", results.back().best});
  }
  // The final MSE, so a model that learned and then diverged does not pass.
  const double rnn = results[0].validation.back(), lstm = results[1].validation.back(),
               gru = results[2].validation.back();
  outcome.checks = {
      {"the LSTM's validation MSE is below a tenth of the baseline 0.167", lstm, lstm < kBaseline / 10},
      {"the GRU's validation MSE is below a tenth of the baseline 0.167", gru, gru < kBaseline / 10},
      {"the plain RNN's stays above half the baseline (it fails)", rnn, rnn > kBaseline / 2}};
  outcome.figures = {
      save_figure(settings, "validation.png",
                  "validation MSE of the three recurrent layers on the adding problem, against "
                  "the baseline of predicting the mean",
                  {.axes = {curves}})};
  outcome.config = {{"length", static_cast<double>(length)},
                    {"hidden", static_cast<double>(hidden)},
                    {"epochs", static_cast<double>(iterations)},
                    {"batch_size", static_cast<double>(batch)},
                    {"lr", lr},
                    {"clip_grad_norm", kClip}};
  outcome.shortened = !settings.full;
  return outcome;
}

const Registration registration({.name = "long-dependency",
                                 .seed = "002 (Intro do Deep Learning: RNN, LSTM, GRU)",
                                 .title = "RNN vs LSTM vs GRU on the adding problem: the plain RNN cannot "
                                          "remember across the sequence, the gated layers can",
                                 .run = run,
                                 .hyperparameters = {"length", "hidden"},
                                 .objective = "lstm_best_val_mse"});

}  // namespace
}  // namespace nabla::examples
