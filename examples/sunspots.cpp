// Forecasting the yearly sunspot numbers (1700-2008, from Debian's python3-statsmodels): an LSTM
// and a GRU against two baselines, persistence (next year = this year) and a linear AR model
// fitted by least squares, all on the last 20% of the series, which no model sees in training.
// Each model maps a window of the last 12 years to the next; one-step forecasts use the
// measured window, multi-step ones feed the model's own forecasts back for 5 years, from every
// origin in the test years. The series is standardised with the training years' statistics, and
// the networks stop early on the last 15% of the training years.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace ts = timeseries;

constexpr int64_t kLags = 12, kAhead = 5;

struct Scores {
  std::string name;
  Tensor one_step, ahead;  // forecasts in sunspot numbers: [N, 1] and [N - kAhead + 1, 1]
  double one_step_rmse = 0, ahead_rmse = 0;
};

Tensor mse(const Tensor& output, const Tensor& target) { return nn::functional::mse_loss(output, target); }

// Trains a recurrent window model with early stopping on the validation windows; returns the
// Trainer's history.
train::History train_network(const std::string& name, ts::RecurrentRegressor& model, const Settings& settings,
                             const ts::Windows& train, const ts::Windows& validation) {
  optim::Adam optimizer(model.parameters(), {.lr = settings.lr.value_or(5e-3)});
  data::DataLoader train_loader(
      data::TensorDataset(train.inputs, train.targets),
      {.batch_size = settings.batch_size.value_or(32), .shuffle = true, .seed = settings.seed});
  data::DataLoader validation_loader(data::TensorDataset(validation.inputs, validation.targets),
                                     {.batch_size = 256});
  auto stop = std::make_shared<train::EarlyStopping>(
      train::EarlyStoppingOptions{.patience = 40, .restore_best_weights = true});
  train::TrainerOptions options = settings.checkpointed(name);
  options.epochs = settings.epochs.value_or(settings.full ? 600 : 200);
  options.callbacks = {stop};
  options.checkpoint_state = {{"early_stopping", stop.get()}};
  options.progress_bar = false;
  train::Trainer trainer(model, optimizer, mse, options);
  const train::History history = trainer.fit(train_loader, &validation_loader);
  save_model(settings, name, model);
  log_of(settings) << "  stopped after " << trainer.epoch() << " epochs, best epoch "
                   << stop->best_epoch() + 1 << '\n';
  return history;
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const std::filesystem::path file = settings.data_file("sunspots", "sunspots.csv");
  const Tensor spots = ts::load_series(file, {.column = "SUNACTIVITY"});
  const std::vector<double> years = ts::load_series(file, {.column = "YEAR"}).to_vector<double>();

  // Train (the first 80%) and test (the last 20%, with the 12 years before it as context).
  const std::vector<Tensor> parts = ts::split_series(spots, {0.8, 0.2}, {.context = kLags});
  const int64_t test_years = parts[1].size(0) - kLags, first_test = spots.size(0) - test_years;
  log << "sunspots " << years.front() << "-" << years.back() << ": " << spots.size(0) << " years; test "
      << years[static_cast<size_t>(first_test)] << "-" << years.back() << " (" << test_years << " years)\n";
  data::Standardizer scaler;
  const std::vector<Tensor> scaled = ts::standardize(parts, scaler);
  const Tensor train_part = scaled[0].to(kFloat32), test_part = scaled[1].to(kFloat32);
  const ts::Windows train = ts::make_windows(train_part, {.lags = kLags});
  const ts::Windows test = ts::make_windows(test_part, {.lags = kLags});
  const ts::Windows test_ahead = ts::make_windows(test_part, {.lags = kLags, .horizon = kAhead});
  const auto in_units = [&](const Tensor& t) { return scaler.inverse_transform(t.detach().to(kFloat64)); };
  const int64_t ahead_count = test_ahead.inputs.size(0);
  const Tensor actual = spots.narrow(0, first_test, test_years).unsqueeze(1);
  const Tensor actual_ahead = spots.narrow(0, spots.size(0) - ahead_count, ahead_count).unsqueeze(1);

  const auto score = [&](const std::string& name, const ts::Predictor& model) {
    NoGradGuard no_grad;
    const Tensor one_step = in_units(model(test.inputs));
    const Tensor ahead =
        in_units(ts::forecast(model, test_ahead.inputs, {.steps = kAhead}).select(1, kAhead - 1));
    const Scores s{.name = name,
                   .one_step = one_step,
                   .ahead = ahead,
                   .one_step_rmse = ts::rmse(one_step, actual),
                   .ahead_rmse = ts::rmse(ahead, actual_ahead)};
    log << "  " << name << ": one-step RMSE " << s.one_step_rmse << ", " << kAhead << "-year-ahead RMSE "
        << s.ahead_rmse << '\n';
    return s;
  };

  std::vector<Scores> scores;
  log << "baselines:\n";
  scores.push_back(score("persistence", [](const Tensor& w) { return w.select(1, w.size(1) - 1); }));
  nn::Linear ar({.in_features = kLags, .out_features = 1});
  ts::fit_least_squares(ar, train.inputs.flatten(1), train.targets);
  scores.push_back(score("ar", [&](const Tensor& w) { return ar(w.flatten(1)); }));

  // The networks hold out the last 15% of the training windows for early stopping.
  const int64_t fit_count = train.inputs.size(0) * 85 / 100;
  const auto window_range = [&](int64_t start, int64_t count) {
    return ts::Windows{.inputs = train.inputs.narrow(0, start, count),
                       .targets = train.targets.narrow(0, start, count)};
  };
  const ts::Windows fit = window_range(0, fit_count),
                    validation = window_range(fit_count, train.inputs.size(0) - fit_count);
  std::vector<TrainingCurves> curves;
  for (const auto& [name, mode] :
       {std::pair{"lstm", nn::RNNMode::LSTM}, std::pair{"gru", nn::RNNMode::GRU}}) {
    log << name << " (hidden 16, window of " << kLags << " years):\n";
    manual_seed(settings.seed);
    ts::RecurrentRegressor model({.mode = mode, .hidden_size = 16});
    curves.push_back({std::string(name) + ", standardised MSE", "epoch",
                      train_network(name, model, settings, fit, validation)});
    model.eval();
    scores.push_back(score(name, model));
  }

  // Two panels over the test years: the measured numbers and every model's one-step and
  // kAhead-year-ahead forecasts.
  const std::vector<std::string> colours{"#7f7f7f", "#1f77b4", "#d62728", "#2ca02c"};
  const auto panel = [&](const std::string& title, int64_t count, Tensor Scores::*forecast) {
    const std::vector<double> t(years.end() - count, years.end());
    plot::Axes axes{.title = title, .xlabel = "year", .ylabel = "sunspot number", .legend = plot::Legend::Outside};
    axes.series.push_back(plot::Line{.x = t,
                                     .y = spots.narrow(0, spots.size(0) - count, count).to_vector<double>(),
                                     .label = "measured",
                                     .color = "black",
                                     .width = 2});
    for (size_t i = 0; i < scores.size(); ++i)
      axes.series.push_back(plot::Line{.x = t,
                                       .y = (scores[i].*forecast).to_vector<double>(),
                                       .label = scores[i].name,
                                       .color = colours[i % colours.size()],
                                       .dash = i == 0 ? plot::Dash::Dotted : plot::Dash::Dashed});
    return axes;
  };
  const std::string ahead_title = std::to_string(kAhead) + "-year-ahead forecasts (free run)";
  Outcome outcome{
      .figures = {save_figure(settings, "forecasts.png",
                              "test years: one-step and " + ahead_title + " against the measured numbers",
                              {.axes = {panel("one-step forecasts", test_years, &Scores::one_step),
                                        panel(ahead_title, ahead_count, &Scores::ahead)},
                               .columns = 1,
                               .width = 10,
                               .height = 7})},
      .training = std::move(curves),
      .shortened = !settings.full};
  for (const Scores& s : scores) {
    outcome.metrics.push_back({"test_one_step_rmse_" + s.name, s.one_step_rmse});
    outcome.metrics.push_back(
        {"test_" + std::to_string(kAhead) + "_year_ahead_rmse_" + s.name, s.ahead_rmse});
  }
  const Scores& persistence = scores[0];
  for (size_t i = 2; i < scores.size(); ++i) {  // the networks
    const Scores& s = scores[i];
    outcome.checks.push_back({"the " + s.name + "'s one-step test RMSE beats persistence's", s.one_step_rmse,
                              s.one_step_rmse < persistence.one_step_rmse});
    outcome.checks.push_back(
        {"the " + s.name + "'s " + std::to_string(kAhead) + "-year-ahead test RMSE beats persistence's",
         s.ahead_rmse, s.ahead_rmse < persistence.ahead_rmse});
  }
  return outcome;
}

const Registration registration(
    {.name = "sunspots",
     .seed = "001 and 002 (recurrent networks, multi-step simulation)",
     .title = "yearly sunspot forecasting on the last 20%: LSTM and GRU vs persistence "
              "and linear AR, one-step and 5-year-ahead RMSE",
     .run = run,
     .data_parallel = true});

}  // namespace
}  // namespace nabla::examples
