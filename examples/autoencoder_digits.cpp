// Auto-encoders on the 8x8 digits of scikit-learn (1797 images, grey levels 0..16 scaled to
// [0, 1]; a seeded 80/20 split into 1438 training and 359 test images), the applications seed 002
// lists (denoising and dimensionality reduction) and seed 003's VAE:
//  - a denoising auto-encoder 64 -> 128 -> 32 -> 128 -> 64 (ReLU, sigmoid output, MSE) trained on
//    inputs with Gaussian noise σ = 0.25: the PSNR of the noisy test images and of their
//    reconstructions, against the clean ones;
//  - an auto-encoder with a 2-D code, 64 -> 128 -> 32 -> 2 and back: the test set's codes, and how
//    well they keep the classes apart (5-nearest-neighbour accuracy against the training codes);
//  - a VAE 64 -> 128 -> (2 x 8), 8 -> 128 -> 64 with Bernoulli pixels, its KL term warmed up over
//    the first 20 epochs: the test set's -ELBO in nats per image, against a model of independent
//    pixels with the training set's mean grey levels.
// Each trains with Adam (lr 1e-3) on shuffled batches of 64.
#include <algorithm>
#include <cmath>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "examples/example.h"
#include "examples/images.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;
namespace G = generative;

constexpr int64_t kPixels = 64, kBatch = 64, kShown = 10, kScale = 6;  // grids: pixels 6 times larger

// Adam over `epochs` shuffled passes of the training images (train_epochs, as the training
// `name`); loss(batch, epoch) is the batch's. Returns the loss per epoch.
train::History train(const Settings& settings, const std::string& name, nn::Module& model,
                     const Tensor& images, int64_t epochs,
                     const std::function<Tensor(const Tensor&, int64_t)>& loss) {
  data::DataLoader loader(data::TensorDataset(images),
                          {.batch_size = kBatch, .shuffle = true, .seed = settings.seed});
  return train_epochs(settings, name, model, loader, epochs, /*progress_bar=*/false,
                      [&](const data::Example& batch, int64_t epoch) { return loss(batch.input, epoch); });
}

struct Split {
  Tensor train_x, train_y, test_x, test_y;
  int64_t epochs;
};

struct Denoising {
  double noisy_psnr, denoised_psnr;
  FigureFile figure;
  TrainingCurves curves;
};

Denoising denoise(const Settings& settings, const Split& d) {
  const G::NoiseOptions noise{.noise = G::Noise::Gaussian, .sigma = 0.25};
  G::DenoisingAutoEncoder dae({.sizes = {kPixels, 128, 32}, .output_activation = nn::Activation::Sigmoid},
                              noise);
  const train::History history = train(settings, "denoising", dae, d.train_x, d.epochs,
                                       [&](const Tensor& x, int64_t) { return F::mse_loss(dae(x), x); });
  NoGradGuard no_grad;
  dae.eval();
  const Tensor noisy = G::corrupt(d.test_x, noise);
  const Tensor denoised = dae(noisy);
  // The first test images: clean, noisy and reconstructed, one row each.
  const Tensor shown = cat({d.test_x.narrow(0, 0, kShown), noisy.narrow(0, 0, kShown),
                            clamp(denoised.narrow(0, 0, kShown), 0, 1)});
  const Denoising r{
      psnr(noisy, d.test_x),
      psnr(denoised, d.test_x),
      image_grid(settings, "denoising.png",
                 "test images: clean (top), with noise of sigma 0.25 (middle), reconstructed (bottom)", shown,
                 kShown, kScale),
      {"denoising auto-encoder (MSE)", "epoch", history}};
  log_of(settings) << "denoising auto-encoder: test PSNR " << r.noisy_psnr << " dB noisy, " << r.denoised_psnr
                   << " dB reconstructed\n";
  return r;
}

struct Reduction {
  double accuracy;
  FigureFile figure;
  TrainingCurves curves;
};

// The 2-D code's k-NN accuracy on the test set, and the test codes coloured by digit.
Reduction reduce_to_2d(const Settings& settings, const Split& d) {
  G::AutoEncoder ae({.sizes = {kPixels, 128, 32, 2}, .output_activation = nn::Activation::Sigmoid});
  const train::History history = train(settings, "autoencoder", ae, d.train_x, d.epochs,
                                       [&](const Tensor& x, int64_t) { return F::mse_loss(ae(x), x); });
  NoGradGuard no_grad;
  const Tensor train_codes = ae.encode(d.train_x), test_codes = ae.encode(d.test_x);
  const double accuracy = knn_accuracy(train_codes, d.train_y, test_codes, d.test_y);
  log_of(settings) << "2-D auto-encoder: 5-NN accuracy of the test codes " << accuracy << '\n';
  const FigureFile figure = save_figure(
      settings, "codes.png", "the test images' 2-D codes, coloured by digit",
      {.axes = {{.xlabel = "z1",
                 .ylabel = "z2",
                 .legend = plot::Legend::Outside,
                 .series = {plot::ClassScatter{
                     .x = test_codes.select(1, 0), .y = test_codes.select(1, 1), .classes = d.test_y}}}}});
  return {accuracy, figure, {"2-D auto-encoder (MSE)", "epoch", history}};
}

struct Density {
  double vae, independent_pixels;  // -log-likelihood bounds, nats per test image
  FigureFile figure;
  TrainingCurves curves;
};

Density fit_vae(const Settings& settings, const Split& d) {
  G::VAE vae({.encoder = {.sizes = {kPixels, 128, 8}}, .decoder = {.sizes = {8, 128, kPixels}}});
  const G::KLWarmup warmup({.beta = 1, .steps = 20});
  const train::History history =
      train(settings, "vae", vae, d.train_x, d.epochs,
            [&](const Tensor& x, int64_t epoch) { return vae.loss(x, {.beta = warmup.beta(epoch)}).loss; });
  NoGradGuard no_grad;
  // The ELBO's estimate averaged over 10 draws of the codes.
  double negative_elbo = 0;
  for (int draw = 0; draw < 10; ++draw) negative_elbo += vae.loss(d.test_x).loss.item() / 10;
  const double independent = independent_pixels_nll(d.train_x, d.test_x);
  log_of(settings) << "VAE: test -ELBO " << negative_elbo << " nats per image; independent pixels "
                   << independent << '\n';
  return {negative_elbo,
          independent,
          image_grid(settings, "vae_samples.png", "64 VAE samples: decoder means of codes from N(0, I)",
                     vae.sample(64), 8, kScale),
          {"VAE (-ELBO, KL warm-up over 20 epochs)", "epoch", history}};
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const data::Example digits =
      data::load_digits(settings.data_file("autoencoder-digits", "digits.csv.gz").string());
  const Tensor images = digits.input.reshape({digits.input.size(0), kPixels});
  const auto parts =
      data::random_split(data::TensorDataset(images, digits.target), {0.8, 0.2}, settings.seed);
  const auto rows = [](const Tensor& t, const data::Subset& s) { return index_select(t, 0, s.indices()); };
  const Split split{rows(images, parts[0]), rows(digits.target, parts[0]), rows(images, parts[1]),
                    rows(digits.target, parts[1]), settings.epochs.value_or(settings.full ? 300 : 100)};
  log << "digits: " << split.train_x.size(0) << " training and " << split.test_x.size(0)
      << " test images of 8x8, " << split.epochs << " epochs per model\n";
  manual_seed(settings.seed);
  const Denoising denoising = denoise(settings, split);
  const Reduction reduction = reduce_to_2d(settings, split);
  const double accuracy = reduction.accuracy;
  const Density density = fit_vae(settings, split);
  return {.metrics = {{"noisy_psnr_db", denoising.noisy_psnr},
                      {"denoised_psnr_db", denoising.denoised_psnr},
                      {"latent_2d_knn_accuracy", accuracy},
                      {"vae_test_negative_elbo", density.vae},
                      {"independent_pixels_test_nll", density.independent_pixels}},
          .checks = {{"denoised test images beat the noisy ones by 3 dB of PSNR",
                      denoising.denoised_psnr - denoising.noisy_psnr,
                      denoising.denoised_psnr > denoising.noisy_psnr + 3},
                     {"the 2-D codes keep the classes apart (5-NN test accuracy > 0.6)", accuracy,
                      accuracy > 0.6},
                     {"the VAE's test -ELBO beats independent pixels", density.vae,
                      density.vae < density.independent_pixels}},
          .figures = {denoising.figure, reduction.figure, density.figure},
          .training = {denoising.curves, reduction.curves, density.curves},
          .shortened = !settings.full};
}

const Registration registration(
    {.name = "autoencoder-digits",
     .seed = "002 (autoencoders) and 003 (Robert)",
     .title = "8x8 digits: denoising auto-encoder (PSNR), 2-D codes (k-NN), VAE (test ELBO)",
     .run = run});

}  // namespace
}  // namespace nabla::examples
