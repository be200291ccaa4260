// Seed 000's variational auto-encoder (Raissi's tutorial, ../shared/examples-spec.md 1.4): 1000
// points of a ring, y = z/10 + z/|z| for z ~ N(0, I2), standardised (so the ring's radius is about
// 1.41). The encoder q(z|y) is 2 -> 100 -> 50 (tanh) and two heads 50 -> 2 (mean and
// log-variance); the decoder p(y|z) is 2 -> 50 -> 100 (tanh) and two heads 100 -> 2, so p(y|z) is
// a Gaussian with a learned variance per output. Weights are Glorot-uniform, biases 0. The loss
// is NLL + KL with one reparameterised sample, summed over a batch of 200 rows drawn afresh at
// every one of the 5,000 Adam iterations (lr 1e-3). New points are the decoder means of 1000
// codes from N(0, I), without observation noise, as the tutorial plots them.
//
// The tutorial's printed loss subtracts the latent dim D_z once instead of once per sample, which
// adds (N_b - 1) D_z / 2 = 199 to it and nothing to the gradients; this loss is the exact -ELBO.
#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "examples/example.h"
#include "examples/raissi.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace G = generative;

constexpr int64_t kPoints = 1000;
constexpr double kHole = 1.1;  // in normalised units: the training ring has no point inside 1.2

struct Radii {
  double median = 0, below_hole = 0;  // the fraction of points inside kHole
};

Radii radii(const Tensor& points) {
  std::vector<double> r = norm(points.to(kFloat64), 2, {1}).to_vector<double>();
  std::sort(r.begin(), r.end());
  const size_t n = r.size();
  const double median = n % 2 ? r[n / 2] : 0.5 * (r[n / 2 - 1] + r[n / 2]);
  const auto inside = std::lower_bound(r.begin(), r.end(), kHole) - r.begin();
  return {median, static_cast<double>(inside) / static_cast<double>(n)};
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const Tensor z = randn({kPoints, 2});
  const Tensor y = data::Standardizer().fit_transform(z / 10.0 + z / norm(z, 2, {1}, true));

  G::VAE vae({.encoder = {.sizes = {2, 100, 50, 2}, .activation = nn::Activation::Tanh},
              .decoder = {.sizes = {2, 50, 100, 2},
                          .activation = nn::Activation::Tanh,
                          .likelihood = G::Likelihood::Gaussian,
                          .learned_variance = true}});
  initialise_glorot(vae);
  optim::Adam optimizer(vae.parameters(), {.lr = settings.lr.value_or(1e-3)});
  const int64_t iterations = settings.epochs.value_or(5000), batch = settings.batch_size.value_or(200);
  log << "ring of " << kPoints << " points, standardised; VAE with " << vae.num_parameters()
      << " parameters; " << iterations << " iterations of " << batch << " random points\n";
  double loss = 0;
  train::History history;
  for (int64_t i = 1; i <= iterations; ++i) {
    train::check_interrupt("vae-ring");
    optimizer.zero_grad();
    const G::ELBO terms =
        vae.loss(index_select(y, 0, random_batch(kPoints, batch)), {.reduction = nn::Reduction::Sum});
    terms.loss.backward();
    optimizer.step();
    loss = terms.loss.item();
    history.append({{"-ELBO", loss}, {"NLL", terms.reconstruction.item()}, {"KL", terms.kl.item()}});
    if (i % 1000 == 0)
      log << "  iteration " << i << ": -ELBO " << loss << " (NLL " << terms.reconstruction.item() << ", KL "
          << terms.kl.item() << ")\n";
  }

  save_model(settings, "vae", vae);
  NoGradGuard no_grad;
  vae.eval();
  const Tensor generated = vae.sample(kPoints);
  const Radii data = radii(y), samples = radii(generated);
  const double ratio = samples.median / data.median;
  log << "median radius: data " << data.median << ", generated " << samples.median
      << "; generated points inside " << kHole << ": " << 100 * samples.below_hole << "%\n";

  // The tutorial's figure: 10 x 5 inches, data in blue and samples in red, axes equal.
  const auto panel = [](const std::string& title, const Tensor& points, const std::string& color) {
    return plot::Axes{
        .title = title,
        .xlabel = "y1",
        .ylabel = "y2",
        .equal_aspect = true,
        .legend = plot::Legend::None,
        .series = {plot::Scatter{.x = points.select(1, 0), .y = points.select(1, 1), .color = color}}};
  };
  const FigureFile figure =
      save_figure(settings, "samples.png",
                  "the 1000 standardised training points, and the decoder means of 1000 codes from N(0, I)",
                  {.axes = {panel("Training Data", y, "blue"), panel("Generated Samples", generated, "red")},
                   .width = 10,
                   .height = 5});
  const auto parameters = static_cast<double>(vae.num_parameters());
  return {.metrics = {{"parameters", parameters},
                      {"final_loss", loss},
                      {"data_median_radius", data.median},
                      {"generated_median_radius", samples.median},
                      {"generated_fraction_inside_hole", samples.below_hole}},
          .checks = {{"11,208 parameters (5,554 + 5,654)", parameters, vae.num_parameters() == 11208},
                     {"generated median radius within 5% of the data's", ratio, std::abs(ratio - 1) < 0.05},
                     {"under 10% of generated points inside the hole (radius < 1.1)", samples.below_hole,
                      samples.below_hole < 0.1}},
          .figures = {figure},
          .training = {{"VAE (sums over the batch)", "iteration", history}}};
}

const Registration registration(
    {.name = "vae-ring",
     .seed = "000 (Raissi, VariationalAutoencoders)",
     .title = "VAE on a 2-D ring: 1000 generated points recover the ring and its hole",
     .run = run});

}  // namespace
}  // namespace nabla::examples
