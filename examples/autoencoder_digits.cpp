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
#include "examples/figure_data.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;
namespace G = generative;

constexpr int64_t kPixels = 64, kBatch = 64, kShown = 10;

// Adam over `epochs` shuffled passes of the training images; loss(batch, epoch) is the batch's.
void train(const std::vector<Tensor>& parameters, const Tensor& images, int64_t epochs, uint64_t seed,
           const std::function<Tensor(const Tensor&, int64_t)>& loss) {
  optim::Adam optimizer(parameters, {.lr = 1e-3});
  data::DataLoader loader(data::TensorDataset(images), {.batch_size = kBatch, .shuffle = true, .seed = seed});
  for (int64_t epoch = 0; epoch < epochs; ++epoch)
    for (const auto& batch : loader) {
      optimizer.zero_grad();
      loss(batch.input, epoch).backward();
      optimizer.step();
    }
}

// Peak signal-to-noise ratio in dB for images in [0, 1].
double psnr(const Tensor& image, const Tensor& clean) {
  return -10 * std::log10(F::mse_loss(image, clean).item());
}

// The fraction of test codes whose 5 nearest training codes mostly carry their label.
double knn_accuracy(const Tensor& train_codes, const Tensor& train_labels, const Tensor& test_codes,
                    const Tensor& test_labels) {
  constexpr int64_t k = 5;
  const Tensor d2 = sum(square(test_codes.unsqueeze(1) - train_codes.unsqueeze(0)), {2});
  const std::vector<double> distances = d2.to_vector<double>();
  const std::vector<int64_t> train = train_labels.to_vector<int64_t>(),
                             test = test_labels.to_vector<int64_t>();
  const size_t n_train = train.size();
  int64_t right = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    std::vector<size_t> order(n_train);
    for (size_t j = 0; j < n_train; ++j) order[j] = j;
    const double* row = distances.data() + i * n_train;
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [row](size_t a, size_t b) { return row[a] < row[b]; });
    std::vector<int64_t> votes(10, 0);
    for (int64_t j = 0; j < k; ++j) ++votes[static_cast<size_t>(train[order[static_cast<size_t>(j)]])];
    if (std::max_element(votes.begin(), votes.end()) - votes.begin() == test[i]) ++right;
  }
  return static_cast<double>(right) / static_cast<double>(test.size());
}

// Images as rows of pixels p0..p63 (with extra leading columns), for image grids.
std::vector<Column> pixel_columns(std::vector<Column> leading, const Tensor& images) {
  const Tensor pixels = images.to(kFloat64).contiguous();
  for (int64_t p = 0; p < kPixels; ++p)
    leading.push_back({"p" + std::to_string(p), pixels.select(1, p).to_vector<double>()});
  return leading;
}

struct Split {
  Tensor train_x, train_y, test_x, test_y;
  int64_t epochs;
};

struct Denoising {
  double noisy_psnr, denoised_psnr;
};

Denoising denoise(const Settings& settings, const Split& d) {
  const G::NoiseOptions noise{.noise = G::Noise::Gaussian, .sigma = 0.25};
  G::DenoisingAutoEncoder dae({.sizes = {kPixels, 128, 32}, .output_activation = nn::Activation::Sigmoid},
                              noise);
  train(dae.parameters(), d.train_x, d.epochs, settings.seed,
        [&](const Tensor& x, int64_t) { return F::mse_loss(dae(x), x); });
  NoGradGuard no_grad;
  dae.eval();
  const Tensor noisy = G::corrupt(d.test_x, noise);
  const Tensor denoised = dae(noisy);
  const Denoising r{psnr(noisy, d.test_x), psnr(denoised, d.test_x)};
  log_of(settings) << "denoising auto-encoder: test PSNR " << r.noisy_psnr << " dB noisy, " << r.denoised_psnr
                   << " dB reconstructed\n";
  // The first test images: clean (kind 0), noisy (1), reconstructed (2).
  const Tensor shown =
      cat({d.test_x.narrow(0, 0, kShown), noisy.narrow(0, 0, kShown), denoised.narrow(0, 0, kShown)});
  std::vector<double> kind, image;
  for (int64_t k = 0; k < 3; ++k)
    for (int64_t i = 0; i < kShown; ++i) {
      kind.push_back(static_cast<double>(k));
      image.push_back(static_cast<double>(i));
    }
  write_figure_data(settings, "denoising_examples.csv",
                    pixel_columns({{"kind", kind}, {"image", image}}, shown));
  return r;
}

// The 2-D code's k-NN accuracy on the test set.
double reduce_to_2d(const Settings& settings, const Split& d) {
  G::AutoEncoder ae({.sizes = {kPixels, 128, 32, 2}, .output_activation = nn::Activation::Sigmoid});
  train(ae.parameters(), d.train_x, d.epochs, settings.seed,
        [&](const Tensor& x, int64_t) { return F::mse_loss(ae(x), x); });
  NoGradGuard no_grad;
  const Tensor train_codes = ae.encode(d.train_x), test_codes = ae.encode(d.test_x);
  const double accuracy = knn_accuracy(train_codes, d.train_y, test_codes, d.test_y);
  log_of(settings) << "2-D auto-encoder: 5-NN accuracy of the test codes " << accuracy << '\n';
  write_figure_data(settings, "latent_codes.csv",
                    {{"z1", test_codes.select(1, 0).to_vector<double>()},
                     {"z2", test_codes.select(1, 1).to_vector<double>()},
                     {"label", d.test_y.to_vector<double>()}});
  return accuracy;
}

struct Density {
  double vae, independent_pixels;  // -log-likelihood bounds, nats per test image
};

Density fit_vae(const Settings& settings, const Split& d) {
  G::VAE vae({.encoder = {.sizes = {kPixels, 128, 8}}, .decoder = {.sizes = {8, 128, kPixels}}});
  const G::KLWarmup warmup({.beta = 1, .steps = 20});
  train(vae.parameters(), d.train_x, d.epochs, settings.seed,
        [&](const Tensor& x, int64_t epoch) { return vae.loss(x, {.beta = warmup.beta(epoch)}).loss; });
  NoGradGuard no_grad;
  // The ELBO's estimate averaged over 10 draws of the codes.
  double negative_elbo = 0;
  for (int draw = 0; draw < 10; ++draw) negative_elbo += vae.loss(d.test_x).loss.item() / 10;
  const Tensor p = clamp(mean(d.train_x, {0}), 1e-3, 1 - 1e-3);
  const double independent =
      G::bernoulli_nll(d.test_x, log(p / (1 - p)).expand(d.test_x.shape()).contiguous()).mean().item();
  log_of(settings) << "VAE: test -ELBO " << negative_elbo << " nats per image; independent pixels "
                   << independent << '\n';
  write_figure_data(settings, "vae_samples.csv", pixel_columns({}, vae.sample(64)));
  return {negative_elbo, independent};
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  const data::Example digits = data::load_digits((settings.data_dir / "digits.csv.gz").string());
  const Tensor images = digits.input.reshape({digits.input.size(0), kPixels});
  const auto parts = data::random_split(data::TensorDataset(images, digits.target), {0.8, 0.2}, settings.seed);
  const auto rows = [](const Tensor& t, const data::Subset& s) { return index_select(t, 0, s.indices()); };
  const Split split{rows(images, parts[0]), rows(digits.target, parts[0]), rows(images, parts[1]),
                    rows(digits.target, parts[1]),
                    settings.epochs.value_or(settings.full ? 300 : 100)};
  log << "digits: " << split.train_x.size(0) << " training and " << split.test_x.size(0)
      << " test images of 8x8, " << split.epochs << " epochs per model\n";
  manual_seed(settings.seed);
  const Denoising denoising = denoise(settings, split);
  const double accuracy = reduce_to_2d(settings, split);
  const Density density = fit_vae(settings, split);
  return {.metrics = {{"noisy_psnr_db", denoising.noisy_psnr},
                      {"denoised_psnr_db", denoising.denoised_psnr},
                      {"latent_2d_knn_accuracy", accuracy},
                      {"vae_test_negative_elbo", density.vae},
                      {"independent_pixels_test_nll", density.independent_pixels}},
          .checks = {
              {"denoised test images beat the noisy ones by 3 dB of PSNR",
               denoising.denoised_psnr - denoising.noisy_psnr,
               denoising.denoised_psnr > denoising.noisy_psnr + 3},
              {"the 2-D codes keep the classes apart (5-NN test accuracy > 0.6)", accuracy, accuracy > 0.6},
              {"the VAE's test -ELBO beats independent pixels", density.vae,
               density.vae < density.independent_pixels}}};
}

const Registration registration(
    {.name = "autoencoder-digits",
     .seed = "002 (autoencoders) and 003 (Robert)",
     .title = "8x8 digits: denoising auto-encoder (PSNR), 2-D codes (k-NN), VAE (test ELBO)",
     .run = run});

}  // namespace
}  // namespace nabla::examples
