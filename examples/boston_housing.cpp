// The real-estate regression on real data: the Boston housing table (506 districts, 13
// features, median value MEDV in $1000s) from Debian's python3-sklearn, without the B
// column (a feature built from the proportion of Black residents). An MLP trained with the
// Trainer and early stopping, against a linear-regression baseline, on the same held-out
// test set, both with features and target standardised on the training split.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;

// Linear regression is trained by full-batch Adam to convergence; both models stop early
// after this many epochs without a better validation loss.
constexpr int64_t kLinearEpochs = 3000;
constexpr double kLinearLr = 1e-2;
constexpr int64_t kPatience = 50;

Tensor mse(const Tensor& output, const Tensor& target) { return F::mse_loss(output, target); }

// A trained model's history and its test predictions, in $1000s.
struct Result {
  train::History history;
  Tensor predicted, actual;
  double test_rmse;
};

// Trains `model` on the standardised splits and predicts the test set.
Result train_and_test(const std::string& name, nn::UnaryModule& model, optim::Optimizer& optimizer,
                      const Settings& settings, int64_t epochs, int64_t batch_size, const data::TensorDataset& train_set,
                      const data::TensorDataset& validation_set, const data::TensorDataset& test_set,
                      const data::Standardizer& target_scaler) {
  data::DataLoader train_loader(train_set, {.batch_size = batch_size, .shuffle = true, .seed = settings.seed});
  data::DataLoader validation_loader(validation_set, {.batch_size = 256});
  data::DataLoader test_loader(test_set, {.batch_size = 256});
  auto stop = std::make_shared<train::EarlyStopping>(
      train::EarlyStoppingOptions{.patience = kPatience, .restore_best_weights = true});
  train::TrainerOptions options = settings.checkpointed(name);
  options.epochs = epochs;
  options.callbacks = {stop};
  options.checkpoint_state = {{"early_stopping", stop.get()}};
  options.progress_bar = false;
  train::Trainer trainer(model, optimizer, mse, options);
  const train::History history = trainer.fit(train_loader, &validation_loader);
  save_model(settings, name, model);
  const Tensor predicted = target_scaler.inverse_transform(trainer.predict(test_loader));
  const Tensor actual = target_scaler.inverse_transform(test_set.targets());
  log_of(settings) << "  stopped after " << trainer.epoch() << " epochs, best epoch " << stop->best_epoch() + 1
                   << '\n';
  return {history, predicted.flatten(), actual.flatten(), data::rmse(predicted, actual)};
}

// Both models' loss curves, and their test predictions against the true values.
FigureFile draw(const Settings& settings, const Result& linear, const Result& mlp, const std::string& mlp_name) {
  plot::Axes test = plot::predicted_vs_true(mlp.actual, mlp.predicted, "test set: median value ($1000s)", "MLP");
  test.series.push_back(plot::Scatter{
      .x = linear.actual, .y = linear.predicted, .label = "linear regression", .marker = plot::Marker::Triangle});
  return save_figure(settings, "training.png",
                     "training and validation loss (standardised MSE) of both models, and their test predictions",
                     {.axes = {plot::loss_curves(linear.history, "linear regression"),
                               plot::loss_curves(mlp.history, mlp_name), test},
                      .width = 15,
                      .height = 4.5});
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const std::filesystem::path file = settings.data_file("boston-housing", "boston_house_prices.csv");
  const data::Table table = data::read_csv(file.string(), {.skip_rows = 1});  // line 1 is "506,13"
  const Tensor x = table.drop({"MEDV", "B"}).values().to(kFloat32);
  const Tensor y = table.select({"MEDV"}).values().to(kFloat32);
  log << "Boston housing: " << x.size(0) << " districts, " << x.size(1) << " features (B dropped)\n";

  // 70% train, 10% validation (early stopping), 20% test, as one seeded permutation.
  const auto parts = data::random_split(data::TensorDataset(x, y), {0.7, 0.1, 0.2}, settings.seed);
  const auto rows = [&](const data::Subset& s) { return index_select(x, 0, s.indices()); };
  const auto targets = [&](const data::Subset& s) { return index_select(y, 0, s.indices()); };
  data::Standardizer feature_scaler, target_scaler;
  feature_scaler.fit(rows(parts[0]));
  target_scaler.fit(targets(parts[0]));
  const auto standardised = [&](const data::Subset& s) {
    return data::TensorDataset(feature_scaler.transform(rows(s)), target_scaler.transform(targets(s)));
  };
  const data::TensorDataset train_set = standardised(parts[0]), validation_set = standardised(parts[1]),
                            test_set = standardised(parts[2]);

  manual_seed(settings.seed);
  nn::Linear linear({.in_features = x.size(1), .out_features = 1});
  optim::Adam linear_optimizer(linear.parameters(), {.lr = kLinearLr});
  log << "linear regression (full-batch Adam to convergence):\n";
  const Result linear_result = train_and_test("linear", linear, linear_optimizer, settings, kLinearEpochs, train_set.size(),
                                              train_set, validation_set, test_set, target_scaler);

  manual_seed(settings.seed);
  const auto hidden = static_cast<int64_t>(settings.param("hidden", 64));
  nn::MLP mlp({.sizes = {x.size(1), hidden, hidden, 1}, .activation = nn::Activation::ReLU});
  const double lr = settings.lr.value_or(1e-3);
  const int64_t epochs = settings.epochs.value_or(500), batch_size = settings.batch_size.value_or(32);
  optim::Adam mlp_optimizer(mlp.parameters(), {.lr = lr});
  std::ostringstream mlp_name;
  mlp_name << "MLP 12-" << hidden << "-" << hidden << "-1";
  log << mlp_name.str() << " ReLU (Adam, batch " << batch_size << ", early stopping on the validation loss):\n";
  const Result mlp_result = train_and_test("mlp", mlp, mlp_optimizer, settings, epochs, batch_size, train_set, validation_set,
                                           test_set, target_scaler);
  const double linear_rmse = linear_result.test_rmse, mlp_rmse = mlp_result.test_rmse;
  const std::vector<double>& val_loss = mlp_result.history["val_loss"];
  const double best_val_loss = *std::min_element(val_loss.begin(), val_loss.end());
  log << "test RMSE ($1000s): linear regression " << linear_rmse << ", MLP " << mlp_rmse << '\n';
  return {.metrics = {{"test_rmse_linear", linear_rmse}, {"test_rmse_mlp", mlp_rmse}, {"val_loss", best_val_loss}},
          .checks = {{"the MLP's test RMSE beats linear regression's", mlp_rmse, mlp_rmse < linear_rmse}},
          .curves = {{"loss", mlp_result.history["loss"]}, {"val_loss", val_loss}},
          .figures = {draw(settings, linear_result, mlp_result, mlp_name.str())},
          .config = {{"epochs", static_cast<double>(epochs)},
                     {"batch_size", static_cast<double>(batch_size)},
                     {"lr", lr},
                     {"hidden", static_cast<double>(hidden)},
                     {"linear_epochs", static_cast<double>(kLinearEpochs)},
                     {"linear_lr", kLinearLr},
                     {"early_stopping_patience", static_cast<double>(kPatience)}}};
}

const Registration registration({.name = "boston-housing",
                                 .seed = "003 (Robert) and 001 (real-estate application)",
                                 .title = "real-estate regression on the Boston housing data: MLP vs linear "
                                          "regression, held-out test RMSE",
                                 .run = run,
                                 .hyperparameters = {"hidden"},
                                 .objective = "val_loss",
                                 .data_parallel = true});

}  // namespace
}  // namespace nabla::examples
