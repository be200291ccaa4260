// Identifying a nonlinear system from input-output records, in seed 001's NARX notation: a
// Wiener–Hammerstein system (a linear filter, a static saturation, another linear filter) driven
// by random-phase multisines, with one record for estimation and an independent one for testing.
// Three model structures, each judged on its free-run simulation of the test record (the measured
// output serves only as initial conditions):
//   - ARX: linear in z(k) = [y(k-1..k-5), u(k-1..k-5)], fitted by least squares;
//   - a feed-forward NARX network on the same regressors, trained on the one-step prediction
//     error, then on the simulation error over sub-sequences (back-propagated through the
//     unrolled free run);
//   - an LSTM driven by the input alone (a state-space model), trained on sub-sequences with a
//     washout.
// A linear model cannot follow the saturation; both networks should simulate the system better.
// --epochs sets the epochs of the one-step NARX training (default 60) and of the LSTM's (100).
#include <cmath>
#include <iomanip>
#include <numeric>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace ts = timeseries;

constexpr int64_t kPeriod = 1024;
constexpr double kNoise = 0.02;  // standard deviation of the output noise (the output's is about 0.6)
const ts::NARXOptions kRegressors{.na = 5, .nb = 5, .delay = 1};

// A random-phase multisine of unit RMS: the harmonics 1 .. 0.2 kPeriod of the period (up to a
// fifth of the sampling frequency), with equal amplitudes and phases uniform in [0, 2π).
std::vector<double> multisine(int64_t periods, Generator& gen) {
  std::vector<double> phases(static_cast<size_t>(kPeriod / 5));
  for (double& p : phases) p = 2 * M_PI * gen.uniform();
  std::vector<double> u(static_cast<size_t>(kPeriod * periods));
  for (size_t t = 0; t < u.size(); ++t)
    for (size_t h = 0; h < phases.size(); ++h)
      u[t] += std::cos(2 * M_PI * static_cast<double>((h + 1) * t) / kPeriod + phases[h]);
  const double rms = std::sqrt(static_cast<double>(phases.size()) / 2);
  for (double& v : u) v /= rms;
  return u;
}

// The Wiener–Hammerstein system, from rest:
//   x(k) = 1.5 x(k-1) - 0.7 x(k-2) + 0.2 u(k-1)   (gain 1, poles 0.84 e^{±0.46i})
//   v(k) = tanh(2 x(k))                           (saturation)
//   w(k) = 0.6 w(k-1) + 0.4 v(k-1)                (gain 1)
//   y(k) = w(k) + e(k),  e ~ N(0, kNoise²)
std::vector<double> wiener_hammerstein(const std::vector<double>& u, Generator& gen) {
  std::vector<double> x(u.size()), w(u.size()), y(u.size());
  for (size_t k = 0; k < u.size(); ++k) {
    if (k >= 1) x[k] = 1.5 * x[k - 1] + 0.2 * u[k - 1] - (k >= 2 ? 0.7 * x[k - 2] : 0);
    if (k >= 1) w[k] = 0.6 * w[k - 1] + 0.4 * std::tanh(2 * x[k - 1]);
    y[k] = w[k] + kNoise * gen.normal();
  }
  return y;
}

Tensor series(const std::vector<double>& v) { return from_vector(v, {static_cast<int64_t>(v.size())}); }

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  Generator gen(settings.seed);
  const std::vector<double> u_est = multisine(2, gen), y_est = wiener_hammerstein(u_est, gen);
  const std::vector<double> u_test = multisine(1, gen), y_test = wiener_hammerstein(u_test, gen);
  log << "Wiener-Hammerstein system: estimation record " << u_est.size() << " samples (2 periods of a "
      << "random-phase multisine), test record " << u_test.size() << " (another one)\n";

  // Standardised with the estimation record's statistics; the models work in float32.
  data::Standardizer u_scaler, y_scaler;
  const std::vector<Tensor> u = ts::standardize({series(u_est), series(u_test)}, u_scaler);
  const std::vector<Tensor> y = ts::standardize({series(y_est), series(y_test)}, y_scaler);
  const Tensor ue = u[0].to(kFloat32), ye = y[0].to(kFloat32), ut = u[1].to(kFloat32), yt = y[1].to(kFloat32);
  const ts::Regression estimation = ts::narx_regressors(ye, ue, kRegressors);
  const int64_t first = kRegressors.max_lag(), width = estimation.inputs.size(1);

  // Every model's free run of the test record, from k = first, in the output's units.
  const Tensor measured = series(y_test).narrow(0, first, kPeriod - first).unsqueeze(1);
  const auto in_units = [&](const Tensor& standardised) {
    return y_scaler.inverse_transform(standardised.detach().to(kFloat64));
  };
  const auto simulate = [&](const ts::Predictor& model) {
    NoGradGuard no_grad;
    return in_units(ts::predict(model, yt, ut, {.narx = kRegressors}));
  };

  nn::Linear arx({.in_features = width, .out_features = 1});
  ts::fit_least_squares(arx, estimation.inputs, estimation.targets);
  const Tensor arx_sim = simulate(arx);
  log << "ARX(" << kRegressors.na << ", " << kRegressors.nb << ") by least squares: test simulation fit "
      << ts::fit_percent(arx_sim, measured) << "%\n";

  manual_seed(settings.seed);
  nn::MLP narx({.sizes = {width, 32, 1}, .activation = nn::Activation::Tanh});
  // The mean batch loss of each epoch of the hand-written loops.
  const auto mean_of = [](const std::vector<double>& losses) {
    return std::accumulate(losses.begin(), losses.end(), 0.0) / static_cast<double>(losses.size());
  };
  std::vector<TrainingCurves> curves;
  {
    optim::Adam optimizer(narx.parameters(), {.lr = 1e-2});
    data::DataLoader loader(data::TensorDataset(estimation.inputs, estimation.targets),
                            {.batch_size = 64, .shuffle = true, .seed = settings.seed});
    const auto mse = [](const Tensor& output, const Tensor& target) {
      return nn::functional::mse_loss(output, target);
    };
    train::TrainerOptions options = settings.checkpointed("narx_one_step");
    options.epochs = settings.epochs.value_or(60);
    options.progress_bar = false;
    train::Trainer trainer(narx, optimizer, mse, options);
    curves.push_back({"NARX network, one-step MSE", "epoch", trainer.fit(loader)});
  }
  const Tensor narx_one_step_sim = simulate(narx);
  log << "NARX network " << width << "-32-1 (tanh), one-step prediction error: test simulation fit "
      << ts::fit_percent(narx_one_step_sim, measured) << "%\n";
  {
    optim::Adam optimizer(narx.parameters(), {.lr = 1e-3});
    data::DataLoader loader(ts::SubsequenceDataset(ue, ye, {.length = 40, .stride = 20}),
                            {.batch_size = 16, .shuffle = true, .seed = settings.seed});
    train::History history;
    for (int64_t epoch = 0; epoch < (settings.full ? 60 : 20); ++epoch) {
      train::check_interrupt("narx", " while training the NARX network on its simulation error");
      std::vector<double> losses;
      for (const auto& [u_batch, y_batch] : loader) {
        optimizer.zero_grad();
        const Tensor loss = ts::prediction_loss(narx, y_batch, u_batch,
                                                {.narx = kRegressors, .mode = ts::Prediction::FreeRun});
        loss.backward();
        optimizer.step();
        losses.push_back(loss.item());
      }
      history.append({{"loss", mean_of(losses)}});
    }
    curves.push_back({"NARX network, simulation MSE", "epoch", std::move(history)});
  }
  const Tensor narx_sim = simulate(narx);
  save_model(settings, "narx_network", narx);
  log << "  then simulation error over sub-sequences of 40 steps: test simulation fit "
      << ts::fit_percent(narx_sim, measured) << "%\n";

  manual_seed(settings.seed);
  ts::RecurrentRegressor lstm({.input_size = 1, .hidden_size = 16});
  const int64_t washout = 16, lstm_epochs = settings.epochs.value_or(settings.full ? 300 : 100);
  {
    optim::Adam optimizer(lstm.parameters(), {.lr = 1e-2});
    data::DataLoader loader(ts::SubsequenceDataset(ue, ye, {.length = 64, .stride = 32}),
                            {.batch_size = 16, .shuffle = true, .seed = settings.seed});
    train::History history;
    for (int64_t epoch = 0; epoch < lstm_epochs; ++epoch) {
      train::check_interrupt("narx", " while training the LSTM");
      std::vector<double> losses;
      for (const auto& [u_batch, y_batch] : loader) {
        optimizer.zero_grad();
        const Tensor loss =
            ts::sequence_mse_loss(lstm.forward_sequence(u_batch).output, y_batch, {.washout = washout});
        loss.backward();
        optimizer.step();
        losses.push_back(loss.item());
      }
      history.append({{"loss", mean_of(losses)}});
    }
    curves.push_back({"LSTM, sequence MSE", "epoch", std::move(history)});
  }
  save_model(settings, "lstm", lstm);
  // Driven by u(k) alone: z(k) = [u(k)] from k = 0; the first `first` steps are left out to
  // compare the same samples.
  const Tensor lstm_sim = [&] {
    NoGradGuard no_grad;
    const Tensor all = ts::predict(lstm, yt, ut, {.narx = {.na = 0, .nb = 1, .delay = 0}});
    return in_units(all.narrow(0, first, kPeriod - first));
  }();
  log << "LSTM (hidden 16, input u only), sub-sequences of 64 steps (stride 32, washout " << washout
      << "): test simulation fit " << ts::fit_percent(lstm_sim, measured) << "%\n";

  const double fit_arx = ts::fit_percent(arx_sim, measured), fit_narx = ts::fit_percent(narx_sim, measured),
               fit_lstm = ts::fit_percent(lstm_sim, measured);
  // The test record's first 300 samples (the fits are over all of it): its input above, the
  // measured output and each model's free-run simulation below.
  const plot::Range shown{static_cast<double>(first), static_cast<double>(first + 300)};
  std::vector<double> k;
  for (int64_t i = first; i < kPeriod; ++i) k.push_back(static_cast<double>(i));
  const auto line = [&](const Tensor& y, const std::string& label, const std::string& color, plot::Dash dash) {
    return plot::Line{.x = k, .y = y.to_vector<double>(), .label = label, .color = color, .dash = dash};
  };
  const plot::Axes input{.title = "test input",
                         .xlabel = "k",
                         .ylabel = "u(k)",
                         .xrange = shown,
                         .legend = plot::Legend::None,
                         .series = {plot::Line{.x = k, .y = std::vector<double>(u_test.begin() + first, u_test.end()),
                                               .color = "dark-grey", .width = 1}}};
  const auto fit_label = [](const std::string& name, double fit) {
    std::ostringstream label;
    label << name << " (fit " << std::fixed << std::setprecision(1) << fit << "%)";
    return label.str();
  };
  const plot::Axes output{
      .title = "free-run simulation of the test record",
      .xlabel = "k",
      .ylabel = "y(k)",
      .xrange = shown,
      .legend = plot::Legend::Outside,
      .series = {line(measured, "measured", "black", plot::Dash::Solid),
                 line(arx_sim, fit_label("ARX(" + std::to_string(kRegressors.na) + "," + std::to_string(kRegressors.nb) + ")", fit_arx), "#1f77b4", plot::Dash::Dotted),
                 line(narx_sim, fit_label("NARX net", fit_narx), "#d62728", plot::Dash::Dashed),
                 line(lstm_sim, fit_label("LSTM", fit_lstm), "#2ca02c", plot::Dash::DashDot)}};
  const FigureFile figure = save_figure(settings, "simulation_test.png",
                                        "test record: input, measured output and the models' free-run simulations",
                                        {.axes = {input, output}, .columns = 1, .width = 10, .height = 7});
  return {.metrics = {{"test_simulation_fit_arx", fit_arx},
                      {"test_simulation_fit_narx_one_step", ts::fit_percent(narx_one_step_sim, measured)},
                      {"test_simulation_fit_narx", fit_narx},
                      {"test_simulation_fit_lstm", fit_lstm},
                      {"test_simulation_rmse_arx", ts::rmse(arx_sim, measured)},
                      {"test_simulation_rmse_narx", ts::rmse(narx_sim, measured)},
                      {"test_simulation_rmse_lstm", ts::rmse(lstm_sim, measured)}},
          .checks = {{"the NARX network simulates the test record better than ARX (fit %)", fit_narx,
                      fit_narx > fit_arx},
                     {"the LSTM simulates the test record better than ARX (fit %)", fit_lstm,
                      fit_lstm > fit_arx}},
          .figures = {figure},
          .training = std::move(curves),
          .shortened = !settings.full};
}

const Registration registration({.name = "narx",
                                 .seed = "001 (PyTorch slides: NARX, sub-sequences, simulation)",
                                 .title = "Wiener-Hammerstein identification: NARX network vs LSTM vs ARX, "
                                          "free-run simulation fit on a test record",
                                 .run = run});

}  // namespace
}  // namespace nabla::examples
