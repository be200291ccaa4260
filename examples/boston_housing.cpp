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

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;

Tensor mse(const Tensor& output, const Tensor& target) { return F::mse_loss(output, target); }

struct Result {
  double test_rmse;  // in $1000s
  train::History history;
};

// Trains `model` on the standardised splits and tests it.
Result train_and_test(nn::UnaryModule& model, optim::Optimizer& optimizer, const Settings& settings,
                      int64_t epochs, int64_t batch_size, const data::TensorDataset& train_set,
                      const data::TensorDataset& validation_set, const data::TensorDataset& test_set,
                      const data::Standardizer& target_scaler) {
  data::DataLoader train_loader(train_set, {.batch_size = batch_size, .shuffle = true, .seed = settings.seed});
  data::DataLoader validation_loader(validation_set, {.batch_size = 256});
  data::DataLoader test_loader(test_set, {.batch_size = 256});
  auto stop = std::make_shared<train::EarlyStopping>(
      train::EarlyStoppingOptions{.patience = 50, .restore_best_weights = true});
  train::Trainer trainer(model, optimizer, mse, {.epochs = epochs, .callbacks = {stop}, .progress_bar = false});
  const train::History history = trainer.fit(train_loader, &validation_loader);
  const Tensor predicted = target_scaler.inverse_transform(trainer.predict(test_loader));
  const Tensor actual = target_scaler.inverse_transform(test_set.targets());
  log_of(settings) << "  stopped after " << trainer.epoch() << " epochs, best epoch " << stop->best_epoch() + 1
                   << '\n';
  return {data::rmse(predicted, actual), history};
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const std::filesystem::path file = settings.data_dir / "boston_house_prices.csv";
  NABLA_CHECK(std::filesystem::exists(file), "boston-housing", file.string(),
              " is missing: run scripts/fetch-data.sh, which extracts it from Debian's python3-sklearn");
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
  optim::Adam linear_optimizer(linear.parameters(), {.lr = 1e-2});
  log << "linear regression (full-batch Adam to convergence):\n";
  const double linear_rmse = train_and_test(linear, linear_optimizer, settings, 3000, train_set.size(), train_set,
                                            validation_set, test_set, target_scaler)
                                 .test_rmse;

  manual_seed(settings.seed);
  const auto hidden = static_cast<int64_t>(settings.param("hidden", 64));
  nn::MLP mlp({.sizes = {x.size(1), hidden, hidden, 1}, .activation = nn::Activation::ReLU});
  optim::Adam mlp_optimizer(mlp.parameters(), {.lr = settings.lr.value_or(1e-3)});
  log << "MLP 12-" << hidden << "-" << hidden << "-1 ReLU (Adam, batch " << settings.batch_size.value_or(32)
      << ", early stopping on the validation loss):\n";
  const Result mlp_result = train_and_test(mlp, mlp_optimizer, settings, settings.epochs.value_or(500),
                                           settings.batch_size.value_or(32), train_set, validation_set, test_set,
                                           target_scaler);
  const double mlp_rmse = mlp_result.test_rmse;
  const std::vector<double>& val_loss = mlp_result.history["val_loss"];
  const double best_val_loss = *std::min_element(val_loss.begin(), val_loss.end());
  log << "test RMSE ($1000s): linear regression " << linear_rmse << ", MLP " << mlp_rmse << '\n';
  return {.metrics = {{"test_rmse_linear", linear_rmse}, {"test_rmse_mlp", mlp_rmse}, {"val_loss", best_val_loss}},
          .checks = {{"the MLP's test RMSE beats linear regression's", mlp_rmse, mlp_rmse < linear_rmse}},
          .curves = {{"loss", mlp_result.history["loss"]}, {"val_loss", val_loss}}};
}

const Registration registration({.name = "boston-housing",
                                 .seed = "003 (Robert) and 001 (real-estate application)",
                                 .title = "real-estate regression on the Boston housing data: MLP vs linear "
                                          "regression, held-out test RMSE",
                                 .run = run,
                                 .hyperparameters = {"hidden"},
                                 .objective = "val_loss"});

}  // namespace
}  // namespace nabla::examples
