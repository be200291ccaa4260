// A GAN on the usual toy for mode collapse: a mixture of 8 Gaussians (σ = 0.05) centred on a
// circle of radius 2. Generator 8 -> 128 -> 128 -> 2 (ReLU) from codes z ~ N(0, I8),
// discriminator 2 -> 128 -> 128 -> 1 (leaky ReLU) giving a logit; the non-saturating losses, Adam
// (lr 2e-4, β1 = 0.5) for each, one-sided label smoothing (real label 0.9), a fresh batch of 128
// real points per step, 4,000 steps (10,000 with --full). 2000 generated points are then assigned
// to their nearest mode: a point is of high quality within 3σ of it, and a mode is covered when it
// holds at least 20 such points (8% of the 250 a perfect generator puts there).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <ostream>
#include <string>
#include <vector>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace G = generative;

constexpr int64_t kModes = 8, kSamples = 2000, kCoveredAt = 20;
constexpr double kRadius = 2, kSigma = 0.05;

// The modes' centres, [8, 2].
Tensor centres() {
  const Tensor angle = arange(kModes) * (2 * std::numbers::pi / kModes);
  return stack({cos(angle), sin(angle)}, 1) * kRadius;
}

// n points of the mixture: a random mode each, plus N(0, σ² I).
Tensor real_batch(const Tensor& modes, int64_t n) {
  return index_select(modes, 0, randint(0, kModes, {n})) + randn({n, 2}) * kSigma;
}

struct Coverage {
  int64_t modes = 0;
  double high_quality = 0;  // the fraction of points within 3σ of their nearest mode
};

Coverage coverage(const Tensor& points, const Tensor& modes) {
  // Squared distances [n, 8] from each point to each centre.
  const Tensor d2 = sum(square(points.unsqueeze(1) - modes.unsqueeze(0)), {2});
  const auto [nearest, mode] = min(d2, 1);
  const std::vector<double> distance = sqrt(nearest).to_vector<double>();
  const std::vector<int64_t> index = mode.to_vector<int64_t>();
  std::vector<int64_t> per_mode(kModes, 0);
  int64_t good = 0;
  for (size_t i = 0; i < distance.size(); ++i) {
    if (distance[i] > 3 * kSigma) continue;
    ++good;
    ++per_mode[static_cast<size_t>(index[i])];
  }
  return {std::count_if(per_mode.begin(), per_mode.end(), [](int64_t n) { return n >= kCoveredAt; }),
          static_cast<double>(good) / static_cast<double>(distance.size())};
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const Tensor modes = centres();
  G::GAN gan({.generator = {8, 128, 128, 2}, .discriminator = {2, 128, 128, 1}});
  const double lr = settings.lr.value_or(2e-4);
  optim::Adam g_opt(gan.generator->parameters(), {.lr = lr, .betas = {0.5, 0.999}});
  optim::Adam d_opt(gan.discriminator->parameters(), {.lr = lr, .betas = {0.5, 0.999}});
  const int64_t steps = settings.epochs.value_or(settings.full ? 10000 : 4000),
                batch = settings.batch_size.value_or(128);
  log << "8 Gaussians on a circle of radius 2 (sigma " << kSigma << "); GAN with " << gan.num_parameters()
      << " parameters; " << steps << " steps of " << batch << " points\n";
  G::GANStep last;
  train::History history;
  for (int64_t i = 1; i <= steps; ++i) {
    train::check_interrupt("gan-ring");
    last = G::train_step(gan, d_opt, g_opt, real_batch(modes, batch), {.real_label = 0.9});
    history.append({{"discriminator", last.discriminator_loss}, {"generator", last.generator_loss}});
    if (i % 1000 == 0)
      log << "  step " << i << ": D loss " << last.discriminator_loss << ", G loss " << last.generator_loss
          << ", D(x) " << last.real_score << ", D(G(z)) " << last.fake_score << '\n';
  }

  save_model(settings, "gan", gan);
  NoGradGuard no_grad;
  const Tensor generated = gan.sample(kSamples);
  const Coverage c = coverage(generated, modes);
  log << "of " << kSamples << " generated points " << 100 * c.high_quality
      << "% lie within 3 sigma of a mode; " << c.modes << " of " << kModes << " modes covered\n";

  const auto panel = [&modes](const std::string& title, const Tensor& points, const std::string& color) {
    return plot::Axes{
        .title = title,
        .xlabel = "x",
        .ylabel = "y",
        .equal_aspect = true,
        .legend = plot::Legend::None,
        .series = {
            plot::Scatter{.x = points.select(1, 0), .y = points.select(1, 1), .color = color, .size = 0.3},
            plot::Scatter{.x = modes.select(1, 0),
                          .y = modes.select(1, 1),
                          .color = "black",
                          .marker = plot::Marker::Cross,
                          .size = 2}}};
  };
  const FigureFile figure = save_figure(
      settings, "samples.png",
      "2000 points of the mixture and 2000 generated ones; the crosses are the 8 modes' centres",
      {.axes = {panel("real", real_batch(modes, kSamples), "blue"), panel("generated", generated, "red")},
       .width = 10,
       .height = 5});
  return {.metrics = {{"modes_covered", static_cast<double>(c.modes)},
                      {"high_quality_fraction", c.high_quality},
                      {"discriminator_loss", last.discriminator_loss},
                      {"generator_loss", last.generator_loss}},
          .checks = {{"at least 6 of the 8 modes covered", static_cast<double>(c.modes), c.modes >= 6}},
          .figures = {figure},
          .training = {{"GAN losses", "step", history}},
          .shortened = !settings.full};
}

const Registration registration(
    {.name = "gan-ring",
     .seed = "003 (Robert, GANs)",
     .title = "GAN on 8 Gaussians on a ring: modes covered, share of high-quality samples",
     .run = run});

}  // namespace
}  // namespace nabla::examples
