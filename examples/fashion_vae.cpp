// A VAE and a conditional VAE on Fashion-MNIST (28 x 28 grey images in [0, 1], Bernoulli pixels),
// both dense and both the size of bench workload G1: the encoder 784 -> 512 -> (2 x 20) and the
// decoder 20 -> 512 -> 784 (ReLU); the CVAE feeds the one-hot class to both (794 -> 512 and
// 30 -> 512) and keeps the prior N(0, I). Adam (lr 1e-3), shuffled batches of 128, 10 epochs (30
// with --full). Reported: the test set's -ELBO in nats per image (mean over the 10,000 test images,
// one draw of the codes each), next to PyTorch's for the same models and training, which
// scripts/fashion_vae_pytorch.py measured with /usr/bin/python3 into
// examples/reference/fashion_vae_pytorch.json; the two are compared when this run trained as
// that one did. Figures: VAE samples, and CVAE samples with one row per class.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "examples/example.h"
#include "examples/images.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace G = generative;

constexpr int64_t kPixels = 784, kClasses = 10, kLatent = 20, kHidden = 512, kBatch = 128;

Tensor flat(const Tensor& images) { return images.reshape({images.size(0), kPixels}); }
Tensor one_hot_of(const Tensor& labels) { return one_hot(labels, kClasses).to(kFloat32); }

// PyTorch's numbers for the same run, from the committed JSON; nullopt when it is unreadable.
std::optional<nlohmann::json> pytorch_reference() {
  std::ifstream in(std::string(NABLA_REFERENCE_DIR) + "/fashion_vae_pytorch.json");
  if (!in) return std::nullopt;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const data::FashionMNIST train = fashion_mnist(settings, true, "train_images");
  const data::Example test = all_of(fashion_mnist(settings, false, "test_images"));
  const Tensor test_x = flat(test.input), test_c = one_hot_of(test.target);
  const int64_t epochs = settings.epochs.value_or(settings.full ? 30 : 10);
  log << "Fashion-MNIST: " << train.size() << " training and " << test_x.size(0) << " test images; " << epochs
      << " epochs of batches of " << kBatch << " per model\n";
  data::DataLoader loader(train, {.batch_size = kBatch, .shuffle = true, .seed = settings.seed});

  G::VAE vae(
      {.encoder = {.sizes = {kPixels, kHidden, kLatent}}, .decoder = {.sizes = {kLatent, kHidden, kPixels}}});
  const train::History vae_history =
      train_epochs(settings, "vae", vae, loader, epochs, /*progress_bar=*/true,
                   [&](const data::Example& b, int64_t) { return vae.loss(flat(b.input)).loss; });
  G::ConditionalVAE cvae(G::GaussianNetwork({.sizes = {kPixels + kClasses, kHidden, kLatent}}),
                         G::Decoder({.sizes = {kLatent + kClasses, kHidden, kPixels}}), nullptr);
  const train::History cvae_history = train_epochs(
      settings, "cvae", cvae, loader, epochs, /*progress_bar=*/true,
      [&](const data::Example& b, int64_t) { return cvae.loss(flat(b.input), one_hot_of(b.target)).loss; });

  NoGradGuard no_grad;
  const double vae_elbo = vae.loss(test_x).loss.item(), cvae_elbo = cvae.loss(test_x, test_c).loss.item();
  // The pixels' means from the first 10,000 training images are as good as from all of them.
  const Tensor first = arange(std::min<int64_t>(train.size(), 10000), {.dtype = kInt64});
  const double independent = independent_pixels_nll(flat(train.get_batch(first).input), test_x);
  log << "test -ELBO, nats per image: VAE " << vae_elbo << ", CVAE " << cvae_elbo << "; independent pixels "
      << independent << '\n';

  Outcome outcome{
      .metrics = {{"vae_test_negative_elbo", vae_elbo},
                  {"cvae_test_negative_elbo", cvae_elbo},
                  {"independent_pixels_test_nll", independent}},
      .checks = {{"the VAE's test -ELBO beats independent pixels", vae_elbo, vae_elbo < independent},
                 {"the class makes the CVAE's test -ELBO lower than the VAE's", cvae_elbo - vae_elbo,
                  cvae_elbo < vae_elbo}},
      .config = {{"epochs", static_cast<double>(epochs)},
                 {"batch_size", static_cast<double>(kBatch)},
                 {"lr", 1e-3},
                 {"train_images", static_cast<double>(train.size())}},
      .shortened = !settings.full};
  if (const auto reference = pytorch_reference(); reference && !reference->is_discarded()) {
    const double torch_vae = reference->value("vae_test_negative_elbo", NAN),
                 torch_cvae = reference->value("cvae_test_negative_elbo", NAN);
    log << "PyTorch " << reference->value("torch", std::string("?")) << ", " << reference->value("epochs", 0)
        << " epochs on " << reference->value("train_images", 0) << " images: VAE " << torch_vae << ", CVAE "
        << torch_cvae << '\n';
    outcome.metrics.push_back({"pytorch_vae_test_negative_elbo", torch_vae});
    outcome.metrics.push_back({"pytorch_cvae_test_negative_elbo", torch_cvae});
    // Only the same training can be held to PyTorch's numbers: 2% is about what seeds change.
    if (reference->value("epochs", 0) == epochs && reference->value("train_images", 0) == train.size()) {
      const double worst = std::max(vae_elbo / torch_vae, cvae_elbo / torch_cvae) - 1;
      outcome.checks.push_back(
          {"test -ELBO of both models within 2% of PyTorch's (or lower)", worst, worst < 0.02});
    }
  }

  // The decoder means of codes from N(0, I): 64 for the VAE; for the CVAE, ten per class, a row each.
  outcome.figures.push_back(
      image_grid(settings, "vae_samples.png", "64 samples of the VAE", vae.sample(64), 8, 3));
  const Tensor classes =
      arange(kClasses, {.dtype = kInt64}).unsqueeze(1).expand({kClasses, kClasses}).reshape({-1});
  outcome.figures.push_back(
      image_grid(settings, "cvae_samples.png",
                 "CVAE samples, one row per class: T-shirt/top, trouser, pullover, dress, coat, "
                 "sandal, shirt, sneaker, bag, ankle boot",
                 cvae.sample(one_hot_of(classes)), kClasses, 3));
  outcome.training = {{"VAE (-ELBO per image)", "epoch", vae_history},
                      {"CVAE (-ELBO per image)", "epoch", cvae_history}};
  return outcome;
}

const Registration registration(
    {.name = "fashion-vae",
     .seed = "003 (Robert, VAEs), issue 7",
     .title = "VAE and CVAE on Fashion-MNIST: test -ELBO beside PyTorch's, CVAE samples per class",
     .run = run});

}  // namespace
}  // namespace nabla::examples
