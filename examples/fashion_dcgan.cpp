// A DCGAN on Fashion-MNIST (generative::DCGAN, images scaled to [-1, 1]): codes of 64 dims, 32
// feature maps (the generator 64 -> 64·7·7 -> 32·14·14 -> 1·28·28, the discriminator the mirror
// image), the non-saturating losses with one-sided label smoothing (real label 0.9), Adam (β1 = 0.5)
// for each network, batches of 64 shuffled images, 2,000 steps (5,000 with --full). The lr is 1e-3,
// not the DCGAN paper's 2e-4: at 2e-4 (PyTorch's tutorial recipe, in PyTorch as here) 1,000 steps
// give only shirt- and bag-shaped blobs, at 1e-3 trousers, shirts, pullovers and sneakers.
// Checked on 1000 samples against 1000 test images: the game stays balanced (the discriminator
// neither wins nor loses outright), the samples' mean grey level is the data's, they differ from
// each other as much as real images do (no collapse onto a few outputs), every class is the class of
// the nearest training image of some samples (no missing modes), and the samples lie nearly as close
// to the training images as test images do (blobs and smudges lie further). Figures: 64 samples,
// and the losses per step.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <ostream>
#include <vector>

#include "examples/example.h"
#include "examples/images.h"
#include "examples/loop_checkpoint.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace G = generative;

constexpr int64_t kBatch = 64, kSamples = 1000, kWindow = 100;  // steps averaged for the end scores
constexpr int64_t kClasses = 10, kReferences = 10000;             // training images the samples meet
constexpr double kRealLabel = 0.9, kMinClassShare = 0.02, kMaxDistanceRatio = 1.5;

// The mean distance between images i and i + N/2 of [N, ...]: how different images are.
double diversity(const Tensor& images) {
  const int64_t half = images.size(0) / 2;
  const Tensor flat = images.reshape({images.size(0), -1});
  return mean(norm(flat.narrow(0, 0, half) - flat.narrow(0, half, half), 2, {1})).item();
}

// For each image of `queries` [M, ...], the Euclidean distance to its nearest image of `references`
// [N, ...] and that image's index.
std::pair<Tensor, Tensor> nearest(const Tensor& queries, const Tensor& references) {
  const Tensor q = queries.reshape({queries.size(0), -1}), r = references.reshape({references.size(0), -1});
  const Tensor d2 = sum(square(q), {1}, true) - 2 * matmul(q, r.t()) + sum(square(r), {1}).unsqueeze(0);
  const auto [squared, index] = min(d2, 1);
  return {sqrt(clamp_min(squared, 0)), index};
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const data::FashionMNIST train = fashion_mnist(settings, true, "train_images");
  const int64_t steps = settings.epochs.value_or(settings.full ? 5000 : 2000);
  G::DCGAN gan({.latent_dim = 64, .features = 32});
  const double lr = settings.lr.value_or(1e-3);
  optim::Adam g_opt(gan.generator->parameters(), {.lr = lr, .betas = {0.5, 0.999}});
  optim::Adam d_opt(gan.discriminator->parameters(), {.lr = lr, .betas = {0.5, 0.999}});
  log << "Fashion-MNIST: " << train.size() << " training images; DCGAN with " << gan.num_parameters()
      << " parameters; " << steps << " steps of " << kBatch << " images\n";
  data::DataLoader loader(train,
                          {.batch_size = kBatch, .shuffle = true, .drop_last = true, .seed = settings.seed});
  // Per step: d_loss, g_loss, real_score, fake_score (a History counts its entries as epochs).
  train::History history;
  // Checkpointed at the end of every pass over the images and at the last step.
  LoopCheckpoint checkpoint(
      settings, "dcgan",
      {.model = &gan, .optimizer = &d_opt, .extra = {{"g_optimizer", &g_opt}, {"history", &history}}},
      loader);
  checkpoint.resume();
  while (history.epochs() < steps) {
    for (const data::Example& batch : loader) {
      checkpoint.check_interrupt();
      const G::GANStep s = G::train_step(gan, d_opt, g_opt, batch.input * 2 - 1, {.real_label = kRealLabel});
      history.append({{"d_loss", s.discriminator_loss},
                      {"g_loss", s.generator_loss},
                      {"real_score", s.real_score},
                      {"fake_score", s.fake_score}});
      if (history.epochs() % 250 == 0)
        log << "  step " << history.epochs() << ": D loss " << s.discriminator_loss << ", G loss "
            << s.generator_loss << ", D(x) " << s.real_score << ", D(G(z)) " << s.fake_score << '\n';
      if (history.epochs() == steps) break;
    }
    checkpoint.save(loader.epoch());
  }
  save_model(settings, "dcgan", gan);
  const std::vector<double>& d_loss = history["d_loss"];
  const std::vector<double>& g_loss = history["g_loss"];
  std::vector<double> step_axis(d_loss.size());
  std::iota(step_axis.begin(), step_axis.end(), 1.0);
  const auto tail_mean = [](const std::vector<double>& v) {
    const size_t n = std::min<size_t>(v.size(), kWindow);
    double total = 0;
    for (size_t i = v.size() - n; i < v.size(); ++i) total += v[i];
    return total / static_cast<double>(n);
  };
  const double real_end = tail_mean(history["real_score"]), fake_end = tail_mean(history["fake_score"]);

  NoGradGuard no_grad;
  gan.eval();
  const Tensor test = all_of(fashion_mnist(settings, false, "test_images")).input;
  const Tensor real = test.narrow(0, 0, std::min(kSamples, test.size(0)));
  const Tensor samples = (gan.sample(kSamples) + 1) / 2;
  const double sample_grey = mean(samples).item(), real_grey = mean(real).item();
  const double diversity_ratio = diversity(samples) / diversity(real);
  // Each sample's nearest training image: its class, and how far it is next to a test image's.
  const data::Example reference =
      train.get_batch(arange(std::min(kReferences, train.size()), {.dtype = kInt64}));
  const auto [sample_distance, nearest_index] = nearest(samples, reference.input);
  const double distance_ratio =
      mean(sample_distance).item() / mean(nearest(real, reference.input).first).item();
  std::vector<int64_t> per_class(kClasses, 0);
  for (const int64_t i : index_select(reference.target, 0, nearest_index).to_vector<int64_t>())
    ++per_class[static_cast<size_t>(i)];
  const int64_t classes_covered = std::count_if(per_class.begin(), per_class.end(), [](int64_t n) {
    return static_cast<double>(n) >= kMinClassShare * kSamples;
  });
  log << "samples per class of the nearest training image:";
  for (const int64_t n : per_class) log << ' ' << n;
  log << "; distance to it " << distance_ratio << " times a test image's\n";
  log << "last " << kWindow << " steps: D(x) " << real_end << ", D(G(z)) " << fake_end << "; mean grey level "
      << sample_grey << " (test images " << real_grey << "); diversity of the samples " << diversity_ratio
      << " of the test images'\n";

  return {
      .metrics = {{"parameters", static_cast<double>(gan.num_parameters())},
                  {"real_score", real_end},
                  {"fake_score", fake_end},
                  {"sample_mean_grey", sample_grey},
                  {"test_mean_grey", real_grey},
                  {"diversity_ratio", diversity_ratio},
                  {"classes_covered", static_cast<double>(classes_covered)},
                  {"nearest_distance_ratio", distance_ratio}},
      .checks = {{"the game is balanced: mean D(G(z)) over the last 100 steps in (0.05, 0.8)", fake_end,
                  fake_end > 0.05 && fake_end < 0.8},
                 {"the samples' mean grey level within 0.05 of the test images'", sample_grey - real_grey,
                  std::abs(sample_grey - real_grey) < 0.05},
                 {"no mode collapse: the samples differ as much as 70% of real images do", diversity_ratio,
                  diversity_ratio > 0.7},
                 {"every class is the nearest training image's class of at least 2% of the samples",
                  static_cast<double>(classes_covered), classes_covered == kClasses},
                 {"the samples' mean distance to their nearest training image under 1.5 times the test images'",
                  distance_ratio, distance_ratio < kMaxDistanceRatio}},
      .figures = {image_grid(settings, "samples.png", "64 DCGAN samples", samples.narrow(0, 0, 64), 8, 3),
                  save_figure(
                      settings, "losses.png", "the discriminator's and the generator's loss per step",
                      {.axes = {{.xlabel = "step",
                                 .ylabel = "loss",
                                 .series = {plot::Line{.x = step_axis, .y = d_loss, .label = "discriminator"},
                                            plot::Line{.x = step_axis, .y = g_loss, .label = "generator"}}}},
                       .width = 8,
                       .height = 4})},
      .config = {{"steps", static_cast<double>(steps)},
                 {"batch_size", static_cast<double>(kBatch)},
                 {"lr", lr},
                 {"real_label", kRealLabel}},
      .shortened = !settings.full};
}

const Registration registration(
    {.name = "fashion-dcgan",
     .seed = "003 (Robert, GANs), issue 7",
     .title = "DCGAN on Fashion-MNIST: a grid of generated clothes, the game kept balanced",
     .run = run});

}  // namespace
}  // namespace nabla::examples
