// Seed 001's multi-layer and bidirectional recurrent layers, used as the slides suggest: a
// bidirectional RNN is non-causal, so it suits smoothing, where the whole record is there before
// any of it is estimated. The task is denoising: each sequence is a sum of three sines of random
// amplitude, frequency and phase, observed with white noise (σ = 0.4), and the model estimates
// the clean signal at every step. A causal (one-directional) layer sees only the past and the
// present sample; a bidirectional one also sees the future, as a centred filter does.
//
// Three models of two stacked layers (num_layers = 2) and a linear read-out at every step, each
// trained by Adam on fresh random sequences and scored by the MSE against the clean signal on one
// fixed validation set: a causal GRU, a bidirectional GRU and a bidirectional LSTM (hidden size
// per direction halved, so the three have similar sizes).
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

constexpr int64_t kLength = 100, kValidation = 200, kHidden = 32, kEvaluateEvery = 25, kLayers = 2;
constexpr double kNoise = 0.4;

struct Batch {
  Tensor noisy, clean;  // [B, T, 1]
};

Batch noisy_sines(int64_t batch) {
  const Tensor t = arange(kLength).reshape({1, kLength, 1});
  const Tensor amplitude = rand({batch, 1, 3}) * 0.7 + 0.3, frequency = rand({batch, 1, 3}) * 0.25 + 0.05,
               phase = rand({batch, 1, 3}) * (2 * M_PI);
  const Tensor clean = sum(amplitude * sin(t * frequency + phase), {2}, true) / std::sqrt(3.0);
  return {clean + randn({batch, kLength, 1}) * kNoise, clean};
}

// Two stacked layers over one input feature; a bidirectional layer has half the hidden size per
// direction, so its output has kHidden features as the causal one's does.
template <class Options>
Options layer_options(bool bidirectional) {
  return {.input_size = 1,
          .hidden_size = bidirectional ? kHidden / 2 : kHidden,
          .num_layers = kLayers,
          .batch_first = true,
          .bidirectional = bidirectional};
}

struct Result {
  std::vector<double> iterations, validation;
  Tensor estimate;  // of the first validation sequence
  double final_mse = 0;
};

// Trains a recurrent layer (nn::GRU or nn::LSTM, batch_first) with a read-out of its outputs.
template <class Layer>
Result train(const std::string& name, const std::string& file, Layer& rnn, int64_t features,
             const Settings& settings, const Batch& validation, int64_t iterations, int64_t batch,
             double lr) {
  nn::Linear readout({.in_features = features, .out_features = 1});
  std::vector<Tensor> parameters = rnn.parameters();
  for (const Tensor& p : readout.parameters()) parameters.push_back(p);
  const int64_t count = rnn.num_parameters() + readout.num_parameters();
  optim::Adam optimizer(parameters, {.lr = lr});
  const auto estimate = [&](const Tensor& noisy) -> Tensor { return readout(rnn(noisy).output); };
  Result r;
  for (int64_t i = 1; i <= iterations; ++i) {
    train::check_interrupt("bidirectional-rnn");
    const Batch b = noisy_sines(batch);
    optimizer.zero_grad();
    F::mse_loss(estimate(b.noisy), b.clean).backward();
    optimizer.step();
    if (i % kEvaluateEvery == 0 || i == iterations) {
      NoGradGuard no_grad;
      r.iterations.push_back(static_cast<double>(i));
      const Tensor mse = F::mse_loss(estimate(validation.noisy), validation.clean);
      r.validation.push_back(mse.item<double>());
    }
  }
  save_model(settings, file, {{"rnn", rnn.state_dict()}, {"readout", readout.state_dict()}});
  NoGradGuard no_grad;
  r.final_mse = r.validation.back();
  r.estimate = estimate(validation.noisy.narrow(0, 0, 1)).flatten();
  log_of(settings) << "  " << name << " (" << count << " parameters): validation MSE " << r.final_mse << '\n';
  return r;
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const int64_t iterations = settings.epochs.value_or(settings.full ? 2000 : 400);
  const int64_t batch = settings.batch_size.value_or(32);
  const double lr = settings.lr.value_or(1e-2);
  manual_seed(settings.seed + 1);  // the validation set, apart from the training sequences
  const Batch validation = noisy_sines(kValidation);
  const double noise_mse = F::mse_loss(validation.noisy, validation.clean).item<double>();
  log << "denoising sums of three sines (" << kLength << " steps, noise sigma " << kNoise
      << ", MSE of the raw "
      << "signal " << noise_mse << "); " << kLayers << " stacked layers each, " << iterations
      << " Adam iterations of " << batch << " fresh sequences (lr " << lr << ")\n";

  manual_seed(settings.seed);
  nn::GRU causal_gru(layer_options<nn::GRUOptions>(false));
  const Result causal =
      train("causal GRU", "causal_gru", causal_gru, kHidden, settings, validation, iterations, batch, lr);
  manual_seed(settings.seed);
  nn::GRU bi_gru(layer_options<nn::GRUOptions>(true));
  const Result gru = train("bidirectional GRU", "bidirectional_gru", bi_gru, kHidden, settings, validation,
                           iterations, batch, lr);
  manual_seed(settings.seed);
  nn::LSTM bi_lstm(layer_options<nn::LSTMOptions>(true));
  const Result lstm = train("bidirectional LSTM", "bidirectional_lstm", bi_lstm, kHidden, settings,
                            validation, iterations, batch, lr);

  const Tensor t = arange(kLength);
  plot::Axes curves{
      .title = "validation MSE against the clean signal",
      .xlabel = "iteration",
      .ylabel = "MSE",
      .yrange = plot::Range{0.005, 0.3},
      .logy = true,
      .legend = plot::Legend::BottomRight,  // under the curves, clear of the noisy input's line
      .series = {plot::HLine{.y = noise_mse, .label = "the noisy input"},
                 plot::Line{.x = causal.iterations, .y = causal.validation, .label = "causal GRU"},
                 plot::Line{.x = gru.iterations, .y = gru.validation, .label = "bidirectional GRU"},
                 plot::Line{.x = lstm.iterations, .y = lstm.validation, .label = "bidirectional LSTM"}}};
  plot::Axes example{
      .title = "a validation sequence",
      .xlabel = "t",
      .ylabel = "signal",
      .legend = plot::Legend::Outside,
      .series = {plot::Scatter{
                     .x = t, .y = validation.noisy.select(0, 0).flatten(), .label = "noisy", .color = "gray"},
                 plot::Line{.x = t,
                            .y = validation.clean.select(0, 0).flatten(),
                            .label = "clean",
                            .color = "black",
                            .width = 2},
                 plot::Line{.x = t, .y = causal.estimate, .label = "causal GRU"},
                 plot::Line{.x = t, .y = gru.estimate, .label = "bidirectional GRU"}}};
  const double best_bidirectional = std::min(gru.final_mse, lstm.final_mse);
  return {.metrics = {{"noisy_input_mse", noise_mse},
                      {"causal_gru_mse", causal.final_mse},
                      {"bidirectional_gru_mse", gru.final_mse},
                      {"bidirectional_lstm_mse", lstm.final_mse}},
          .checks = {{"the bidirectional GRU's error is below the causal GRU's", gru.final_mse,
                      gru.final_mse < causal.final_mse},
                     {"the bidirectional LSTM's error is below the causal GRU's", lstm.final_mse,
                      lstm.final_mse < causal.final_mse},
                     {"every model removes most of the noise (MSE below half the input's)", causal.final_mse,
                      causal.final_mse < noise_mse / 2 && best_bidirectional < noise_mse / 2}},
          .figures = {save_figure(settings, "denoising.png",
                                  "causal vs bidirectional two-layer recurrent denoisers: validation MSE per "
                                  "iteration, and one validation sequence",
                                  {.axes = {curves, example}, .width = 13, .height = 4.5})},
          .config = {{"epochs", static_cast<double>(iterations)},
                     {"batch_size", static_cast<double>(batch)},
                     {"lr", lr},
                     {"hidden", static_cast<double>(kHidden)},
                     {"num_layers", static_cast<double>(kLayers)}},
          .shortened = !settings.full};
}

const Registration registration(
    {.name = "bidirectional-rnn",
     .seed = "001 (PyTorch slides: multi-layer and bidirectional RNNs)",
     .title = "denoising noisy sines with stacked bidirectional GRU/LSTM layers vs a "
              "causal GRU",
     .run = run});

}  // namespace
}  // namespace nabla::examples
