// Seed 000's conditional VAE (Raissi's tutorial, ../shared/examples-spec.md 1.5): 100 noisy
// samples (σ = 0.1) of the step f(x) = 1 + 1.5 (x > 0.5) at Latin-hypercube points of [0, 1],
// x and y standardised (the levels become about ±0.99, the jump sits near x = 0). Three networks,
// 1 -> 50 -> 50 (tanh) with mean and log-variance heads: the prior p(z|x) and the recognition
// network q(z|y), both to z in 2-D, and the decoder p(y|z) back to y. As in the tutorial, the
// recognition network sees y only and the decoder z only: x reaches y through the prior alone.
// Glorot-uniform weights, biases 0; the loss NLL + KL[q(z|y) || p(z|x)], summed over a batch of
// 5 rows drawn afresh at each of the 5,000 Adam iterations (lr 1e-3). A curve is the decoder mean
// over a 400-point grid for one draw ε of shape [1, 2] shared by the grid, z = μ0(x) + ε √Σ0(x).
#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "examples/example.h"
#include "examples/raissi.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace G = generative;

constexpr int64_t kPoints = 100, kGrid = 400, kCurves = 100;
constexpr double kPlateau = 0.35;  // normalised |x| beyond which a curve is on a plateau (the jump is at ~0)

G::GaussianNetwork network(int64_t in, int64_t out) {
  return G::GaussianNetwork({.sizes = {in, 50, 50, out}, .activation = nn::Activation::Tanh});
}

// Mean and standard deviation of the values at rows where `where` is true.
std::pair<double, double> moments(const Tensor& values, const Tensor& where) {
  const Tensor v = values.flatten().to(kFloat64);
  const Tensor mask = where.flatten().to(kFloat64);
  const double n = sum(mask).item();
  const double m = sum(v * mask).item() / n;
  return {m, std::sqrt(sum(square(v - m) * mask).item() / n)};
}

// The standard deviation of values.
double spread(const std::vector<double>& values) {
  return std::sqrt(var(from_vector(values, {static_cast<int64_t>(values.size())}), false).item());
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const Tensor x_raw = latin_hypercube(kPoints, 1);
  const Tensor y_raw = (x_raw > 0.5).to(kFloat32) * 1.5 + 1.0 + randn({kPoints, 1}) * 0.1;
  data::Standardizer x_scaler, y_scaler;
  const Tensor x = x_scaler.fit_transform(x_raw), y = y_scaler.fit_transform(y_raw);
  const Tensor grid = x_scaler.transform(linspace(0, 1, kGrid).unsqueeze(1));

  G::ConditionalVAE cvae{network(1, 2),
                         G::Decoder({.sizes = {2, 50, 50, 1},
                                     .activation = nn::Activation::Tanh,
                                     .likelihood = G::Likelihood::Gaussian,
                                     .learned_variance = true}),
                         std::make_unique<G::GaussianNetwork>(network(1, 2)),
                         {.encoder_sees_condition = false, .decoder_sees_condition = false}};
  initialise_glorot(cvae);
  optim::Adam optimizer(cvae.parameters(), {.lr = settings.lr.value_or(1e-3)});
  const int64_t iterations = settings.epochs.value_or(5000), batch = settings.batch_size.value_or(5);
  log << "step data: " << kPoints << " LHS points, standardised; CVAE with " << cvae.num_parameters()
      << " parameters; " << iterations << " iterations of " << batch << " random points\n";
  double loss = 0;
  train::History history;
  for (int64_t i = 1; i <= iterations; ++i) {
    train::check_interrupt("cvae-step");
    const Tensor rows = random_batch(kPoints, batch);
    optimizer.zero_grad();
    const G::ELBO terms =
        cvae.loss(index_select(y, 0, rows), index_select(x, 0, rows), {.reduction = nn::Reduction::Sum});
    terms.loss.backward();
    optimizer.step();
    loss = terms.loss.item();
    history.append({{"-ELBO", loss}});
    if (i % 1000 == 0) log << "  iteration " << i << ": -ELBO " << loss << '\n';
  }

  save_model(settings, "cvae", cvae);
  NoGradGuard no_grad;
  cvae.eval();
  const Tensor left = lt(grid, -kPlateau), right = gt(grid, kPlateau);
  plot::Axes curves{.xlabel = "x", .ylabel = "y", .legend = plot::Legend::TopLeft};
  std::vector<double> lower, upper;
  int64_t steps = 0;
  double lowest = INFINITY, highest = 0, worst_sd = 0;
  for (int64_t c = 0; c < kCurves; ++c) {
    const Tensor curve = cvae.sample(grid, randn({1, 2}));
    const auto [low, low_sd] = moments(curve, left);
    const auto [high, high_sd] = moments(curve, right);
    const double height = high - low, flatness = std::max(low_sd, high_sd);
    // A step: plateaus about 2 units apart (the levels' distance in normalised units), each flat.
    if (std::abs(height - 2) < 0.4 && flatness < 0.25) ++steps;
    lower.push_back(low);
    upper.push_back(high);
    lowest = std::min(lowest, height);
    highest = std::max(highest, height);
    worst_sd = std::max(worst_sd, flatness);
    curves.series.push_back(
        plot::Line{.x = grid.flatten(), .y = curve.flatten(), .color = "blue", .width = 0.5});
  }
  const double lower_spread = spread(lower), upper_spread = spread(upper);
  log << kCurves << " sampled curves: " << steps << " are steps; plateau gaps from " << lowest << " to "
      << highest << ", largest sd within a plateau " << worst_sd
      << "; spread of the plateau levels across curves " << lower_spread << " (lower), " << upper_spread
      << " (upper)\n";

  curves.series.push_back(plot::Scatter{.x = x.flatten(),
                                        .y = y.flatten(),
                                        .label = std::to_string(kPoints) + " training data",
                                        .color = "red"});
  const FigureFile figure =
      save_figure(settings, "sampled_curves.png",
                  "100 curves sampled from the CVAE (one draw of z per curve, shared by the grid) over the "
                  "standardised training data",
                  {.axes = {curves}});
  const auto parameters = static_cast<double>(cvae.num_parameters());
  return {.metrics = {{"parameters", parameters},
                      {"final_loss", loss},
                      {"step_curves", static_cast<double>(steps)},
                      {"smallest_plateau_gap", lowest},
                      {"largest_plateau_gap", highest},
                      {"largest_plateau_sd", worst_sd},
                      {"lower_plateau_spread", lower_spread},
                      {"upper_plateau_spread", upper_spread}},
          .checks = {{"8,510 parameters (2,854 + 2,854 + 2,802)", parameters, cvae.num_parameters() == 8510},
                     {"all 100 sampled curves are steps with plateaus 2 ± 0.4 apart (sd < 0.25 on each)",
                      static_cast<double>(steps), steps == kCurves}},
          .figures = {figure},
          .training = {{"CVAE (-ELBO of the batch)", "iteration", history}}};
}

const Registration registration({.name = "cvae-step",
                                 .seed = "000 (Raissi, ConditionalVariationalAutoencoders)",
                                 .title = "conditional VAE on a noisy step: 100 sampled curves, each a step",
                                 .run = run});

}  // namespace
}  // namespace nabla::examples
