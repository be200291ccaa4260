// Seed 000's 1-D regression (Raissi's tutorial, ../shared/examples-spec.md 1.1): f(x) = x sin(4πx)
// on [0, 1], 100 Latin-hypercube training inputs with targets f(x) + 0.1 ε, x and y standardised
// on the training set (so the noise σ is 0.1 / std(y) ≈ 0.243 normalised units). An MLP
// 1 -> 50 -> 50 -> 1 (tanh), Glorot-uniform weights and zero biases, trained by Adam (lr 1e-3)
// on a batch of 10 rows drawn afresh at every iteration, and judged against the noise-free f on
// 1000 grid points of [0, 1], in normalised units as the tutorial draws it.
//
// The tutorial trains for 10,000 iterations and its published fit is one draw. With nabla's
// random streams the grid RMSE after 10,000 iterations is 0.135 to 0.168 over seeds 0 to 2, so
// the default is 20,000 (two seconds), which meets the target of 0.15 (0.141 for seed 0);
// `--epochs 10000` runs the tutorial's count.
//
// The tutorial's page describes a Gaussian noise model but its code minimises the MSE, a
// Gaussian likelihood with a fixed σ; that is the first fit. The second learns the noise too:
// the same network and one more parameter, the noise's log-variance (one number, as the noise
// is the same everywhere), trained together on the Gaussian negative log-likelihood
// (nn::functional::gaussian_nll_loss) and drawn with its ±2σ band. Its σ should come out near
// the true 0.243.
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "examples/example.h"
#include "examples/raissi.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;

constexpr int64_t kPoints = 100, kGrid = 1000;
constexpr double kNoise = 0.1;

struct Data {
  Tensor x{}, y{};         // the training set, normalised, [100, 1]
  Tensor grid{}, f{};      // the test grid and the noise-free f on it, normalised, [1000, 1]
  double noise_sigma = 0;  // the noise σ in normalised units, 0.1 / std(y)
};

Data make_data() {
  const Tensor x_raw = latin_hypercube(kPoints, 1);
  const auto f = [](const Tensor& x) { return x * sin(x * (4 * M_PI)); };
  const Tensor y_raw = f(x_raw) + randn({kPoints, 1}) * kNoise;
  data::Standardizer x_scaler, y_scaler;
  Data d{.x = x_scaler.fit_transform(x_raw), .y = y_scaler.fit_transform(y_raw)};
  const Tensor grid = linspace(0, 1, kGrid).unsqueeze(1);
  d.grid = x_scaler.transform(grid);
  d.f = y_scaler.transform(f(grid));
  d.noise_sigma = kNoise / y_scaler.scale().item<double>();
  return d;
}

// Trains `model` for `iterations` Adam steps, each on a fresh random batch, with `loss` of the
// model's output and the batch's targets, updating `extra` parameters too; returns each
// batch's loss ("loss").
template <class Loss>
train::History train(nn::MLP& model, std::vector<Tensor> extra, const Data& d, const Settings& settings,
                     int64_t iterations, int64_t batch, const Loss& loss_of) {
  std::ostream& log = log_of(settings);
  initialise_glorot(model);
  for (const Tensor& p : model.parameters()) extra.push_back(p);
  optim::Adam optimizer(extra, {.lr = settings.lr.value_or(1e-3)});
  train::History history;
  for (int64_t i = 1; i <= iterations; ++i) {
    train::check_interrupt("raissi-regression");
    const Tensor rows = random_batch(kPoints, batch);
    optimizer.zero_grad();
    const Tensor l = loss_of(model(index_select(d.x, 0, rows)), index_select(d.y, 0, rows));
    l.backward();
    optimizer.step();
    history.append({{"loss", l.item<double>()}});
    if (i % 2000 == 0) log << "  iteration " << i << ": batch loss " << history["loss"].back() << '\n';
  }
  return history;
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const Data d = make_data();
  const int64_t iterations = settings.epochs.value_or(20000), batch = settings.batch_size.value_or(10);
  log << "f(x) = x sin(4 pi x): " << kPoints << " LHS points, noise sigma " << kNoise << " (" << d.noise_sigma
      << " normalised); " << iterations << " Adam iterations of " << batch << " random points\n";

  // The tutorial's fit: the MSE, a Gaussian likelihood of fixed variance.
  nn::MLP mse_model({.sizes = {1, 50, 50, 1}, .activation = nn::Activation::Tanh});
  log << "MSE fit, " << mse_model.num_parameters() << " parameters:\n";
  const train::History mse_history =
      train(mse_model, {}, d, settings, iterations, batch,
            [](const Tensor& out, const Tensor& y) { return F::mse_loss(out, y); });
  const double last_batch_mse = mse_history["loss"].back();
  // The noise learned too: its log-variance, from 0 (σ = 1).
  nn::MLP nll_model({.sizes = {1, 50, 50, 1}, .activation = nn::Activation::Tanh});
  Tensor log_var = zeros({1});
  log_var.requires_grad_();
  log << "Gaussian NLL fit with a learned noise variance:\n";
  const train::History nll_history =
      train(nll_model, {log_var}, d, settings, iterations, batch, [&](const Tensor& mu, const Tensor& y) {
        return F::gaussian_nll_loss(mu, y, exp(log_var).expand_as(mu));
      });

  save_model(settings, "mse_mlp", mse_model);
  save_model(settings, "nll_mlp", {{"mlp", nll_model.state_dict()}, {"", {{"log_var", log_var}}}});
  NoGradGuard no_grad;
  const Tensor prediction = mse_model(d.grid);
  const double grid_rmse = data::rmse(prediction, d.f),
               train_mse = square(mse_model(d.x) - d.y).mean().item<double>();
  const double worst = max(abs(prediction - d.f)).item<double>();
  log << "MSE fit: grid RMSE " << grid_rmse << ", max |error| " << worst << "; training MSE " << train_mse
      << '\n';
  const Tensor mu = nll_model(d.grid).flatten();
  const double nll_rmse = data::rmse(mu, d.f.flatten()), sigma = std::exp(0.5 * log_var.item<double>());
  const double covered = mean(le(abs(nll_model(d.x) - d.y), 2 * sigma).to(kFloat64)).item<double>();
  log << "NLL fit: grid RMSE " << nll_rmse << "; learned sigma " << sigma << ", true " << d.noise_sigma
      << "; " << 100 * covered << "% of the training points inside +-2 sigma\n";

  const Tensor grid = d.grid.flatten(), f = d.f.flatten();
  const plot::Scatter points{
      .x = d.x.flatten(), .y = d.y.flatten(), .label = "100 training data", .color = "black"};
  const FigureFile fit = save_figure(
      settings, "fit.png", "the tutorial's figure: f and the MSE fit's prediction, in normalised units",
      {.axes = {{.xlabel = "x",
                 .ylabel = "f(x)",
                 .xrange = plot::Range{-1.7, 1.7},
                 .yrange = plot::Range{-2, 2},
                 .legend = plot::Legend::BottomLeft,
                 .series = {plot::Line{.x = grid, .y = f, .label = "f(x)", .color = "blue", .width = 2},
                            plot::Line{.x = grid,
                                       .y = prediction.flatten(),
                                       .label = "prediction",
                                       .color = "red",
                                       .dash = plot::Dash::Dashed,
                                       .width = 3},
                            points}}},
       .font_size = 14});
  const FigureFile band = save_figure(
      settings, "noise_model.png",
      "the Gaussian NLL fit: its mean and the learned noise's ±2σ band, in normalised units",
      {.axes = {{.xlabel = "x",
                 .ylabel = "f(x)",
                 .xrange = plot::Range{-1.7, 1.7},
                 .yrange = plot::Range{-2.5, 2.5},
                 .legend = plot::Legend::BottomLeft,
                 .series = {plot::Band{.x = grid,
                                       .lower = mu - sigma * 2.0,
                                       .upper = mu + sigma * 2.0,
                                       .label = "±2σ (learned)",
                                       .color = "red"},
                            plot::Line{.x = grid, .y = f, .label = "f(x)", .color = "blue", .width = 2},
                            plot::Line{.x = grid,
                                       .y = mu,
                                       .label = "mean",
                                       .color = "red",
                                       .dash = plot::Dash::Dashed,
                                       .width = 3},
                            points}}},
       .font_size = 14});

  const auto parameters = static_cast<double>(mse_model.num_parameters());
  const double sigma_error = sigma / d.noise_sigma - 1;
  return {.metrics = {{"parameters", parameters},
                      {"grid_rmse", grid_rmse},
                      {"grid_max_error", worst},
                      {"final_batch_mse", last_batch_mse},
                      {"training_mse", train_mse},
                      {"noise_sigma", d.noise_sigma},
                      {"nll_grid_rmse", nll_rmse},
                      {"learned_sigma", sigma},
                      {"training_points_within_2_sigma", covered}},
          .checks = {{"2,701 parameters", parameters, mse_model.num_parameters() == 2701},
                     {"grid RMSE <= 0.15 normalised units", grid_rmse, grid_rmse <= 0.15},
                     {"the learned sigma within 15% of the noise's 0.1 / std(y) = 0.243", sigma,
                      std::abs(sigma_error) < 0.15}},
          .figures = {fit, band},
          .training = {{"MSE fit (batch MSE)", "iteration", mse_history},
                       {"learned-noise fit (batch Gaussian NLL)", "iteration", nll_history}},
          .config = {{"iterations", static_cast<double>(iterations)},
                     {"batch_size", static_cast<double>(batch)},
                     {"lr", settings.lr.value_or(1e-3)}}};
}

const Registration registration(
    {.name = "raissi-regression",
     .seed = "000 (Raissi, NeuralNetworks)",
     .title = "MLP regression of x sin(4 pi x) from 100 noisy points, and the same "
              "with a learned noise variance (Gaussian NLL) and its ±2σ band",
     .run = run});

}  // namespace
}  // namespace nabla::examples
