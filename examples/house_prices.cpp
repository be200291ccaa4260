// Seed 003's house-price table: four houses (size m², bedrooms, floors, age → price in
// millions), a linear model f(x) = θ0 + Σ θj xj trained by full-batch gradient descent on
// J = 1/(2m) Σ (f(x) − y)² with L2 regularisation that skips the bias (D = Δ/m + λθ for
// j ≠ 0). The features are on scales from 0.4 to 99, so they are standardised first (mean and
// population std of the training table); with raw features, the step size that keeps "size"
// stable would barely move the other weights.
#include <cmath>
#include <iomanip>
#include <numeric>
#include <ostream>
#include <sstream>
#include <vector>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

struct Fit {
  double lambda, rmse, weight_norm, new_house_price;
  std::vector<double> losses;  // J per epoch
  Tensor fitted;               // the model's prices for the 4 houses
};

// J per epoch for each λ (log scale: without regularisation it falls towards 0), and the
// fitted prices against the true ones.
FigureFile draw(const Settings& settings, const std::vector<Fit>& fits, const Tensor& prices) {
  // The legend bottom left, below the curves' plateaus and left of the unregularised descent.
  plot::Axes losses{.title = "gradient descent on J",
                    .xlabel = "epoch",
                    .ylabel = "J",
                    .logy = true,
                    .legend = plot::Legend::BottomLeft};
  plot::Axes fitted = plot::predicted_vs_true(prices, fits[0].fitted, "fitted prices (M)", "lambda 0");
  for (const Fit& fit : fits) {
    std::ostringstream label;
    label << "lambda " << fit.lambda;
    std::vector<double> epochs(fit.losses.size());
    std::iota(epochs.begin(), epochs.end(), 1.0);
    losses.series.push_back(plot::Line{.x = std::move(epochs), .y = fit.losses, .label = label.str()});
    if (fit.lambda > 0) fitted.series.push_back(plot::Scatter{.x = prices, .y = fit.fitted, .label = label.str()});
  }
  return save_figure(settings, "training.png", "J per epoch for each lambda, and the fitted prices against the table's",
                     {.axes = {losses, fitted}, .width = 11, .height = 4.5});
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const TensorOptions f64{.dtype = kFloat64};
  const Tensor x = tensor({{125, 3, 2, 20}, {220, 5, 2, 15}, {400, 7, 3, 5}, {250, 4, 2, 10}}, f64);
  const Tensor y = tensor({0.8, 1.2, 4.0, 2.0}, f64).reshape({4, 1});
  const Tensor new_house = tensor({{300, 4, 2, 8}}, f64);
  data::Standardizer scaler;
  const Tensor z = scaler.fit_transform(x);
  log << std::fixed << std::setprecision(4) << "feature means " << scaler.mean() << "\npopulation stds "
      << scaler.scale() << '\n';

  const int64_t epochs = settings.epochs.value_or(2000);
  const double lr = settings.lr.value_or(0.1);
  std::vector<Fit> fits;
  for (double lambda : {0.0, 0.01, 0.1}) {
    manual_seed(settings.seed);
    nn::Linear model({.in_features = 4, .out_features = 1, .dtype = kFloat64});
    // Weight decay λ on the weight matrix only: the bias θ0 is not regularised.
    optim::SGD optimizer(optim::split_decay(model.named_parameters(), lambda), {.lr = lr});
    std::vector<double> losses;
    for (int64_t epoch = 0; epoch < epochs; ++epoch) {
      train::check_interrupt("house-prices");
      optimizer.zero_grad();
      const Tensor j = 0.5 * nn::functional::mse_loss(model(z), y);  // 1/(2m) Σ (f − y)²
      j.backward();
      optimizer.step();
      losses.push_back(j.item<double>());
    }
    std::ostringstream file;
    file << "linear_lambda_" << lambda;
    save_model(settings, file.str(), model);
    NoGradGuard no_grad;
    const Tensor fitted = model(z);
    const double rmse = std::sqrt(nn::functional::mse_loss(fitted, y).item<double>());
    const double price = model(scaler.transform(new_house)).item<double>();
    fits.push_back({lambda, rmse, norm(model.weight).item<double>(), price, std::move(losses), fitted.flatten()});
    log << "lambda " << lambda << ": fitted prices " << fitted.flatten() << "  RMSE " << rmse << "  |w| "
        << fits.back().weight_norm << "  a 300 m², 4-bedroom, 2-floor, 8-year-old house: " << price << " M\n";
  }
  const Tensor mean = scaler.mean(), scale = scaler.scale();
  return {.metrics = {{"rmse_lambda_0", fits[0].rmse},
                      {"rmse_lambda_0.01", fits[1].rmse},
                      {"rmse_lambda_0.1", fits[2].rmse},
                      {"weight_norm_lambda_0", fits[0].weight_norm},
                      {"weight_norm_lambda_0.1", fits[2].weight_norm},
                      {"new_house_price", fits[0].new_house_price}},
          .checks = {{"feature means 248.75, 4.75, 2.25, 12.5 (the seed's)", mean[0].item<double>(),
                      allclose(mean, tensor({248.75, 4.75, 2.25, 12.5}, f64), 0, 1e-9)},
                     {"population stds 98.77, 1.48, 0.433, 5.59", scale[0].item<double>(),
                      allclose(scale, tensor({98.77, 1.479, 0.433, 5.590}, f64), 0, 1e-2)},
                     {"without regularisation the 4 houses are fitted (RMSE < 0.01 M)", fits[0].rmse,
                      fits[0].rmse < 0.01},
                     {"L2 shrinks the weights as lambda grows", fits[2].weight_norm,
                      fits[2].weight_norm < fits[1].weight_norm && fits[1].weight_norm < fits[0].weight_norm}},
          .figures = {draw(settings, fits, y.flatten())},
          .config = {{"epochs", static_cast<double>(epochs)}, {"lr", lr}}};
}

const Registration registration({.name = "house-prices",
                                 .seed = "003 (Robert, Deep Learning)",
                                 .title = "the seed's 4-house price table: standardised features, gradient "
                                          "descent, L2 that skips the bias",
                                 .run = run});

}  // namespace
}  // namespace nabla::examples
