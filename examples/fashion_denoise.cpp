// Auto-encoders on Fashion-MNIST (28 x 28 grey images in [0, 1]), trained with Adam (lr 1e-3) on
// shuffled batches of 128 for 3 epochs (15 with --full), the MSE to the clean image as the loss:
//  - a dense denoising auto-encoder 784 -> 512 -> 128 -> 512 -> 784 (ReLU, sigmoid output) and a
//    convolutional one (generative::conv_encoder / conv_decoder: 3x3 convolutions of stride 2,
//    1 -> 16 -> 32 channels, 28 -> 14 -> 7, mirrored by transposed convolutions), both trained on
//    inputs with Gaussian noise of σ = 0.3: the PSNR of the noisy test images and of both
//    reconstructions against the clean ones;
//  - a ConvAutoEncoder with a 2-D code (the same convolutions, then Linear 32·7·7 -> 2): the test
//    images' codes coloured by class, and how well they keep the classes apart (5-nearest-
//    neighbour accuracy of 1000 test codes against 5000 training codes).
#include <algorithm>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "examples/example.h"
#include "examples/images.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

namespace F = nn::functional;
namespace G = generative;

constexpr int64_t kBatch = 128, kShown = 10, kKnnTest = 1000, kKnnTrain = 5000;
constexpr double kSigma = 0.3;

using Reconstruct = std::function<Tensor(const Tensor&)>;

// Trains `model` (as the training `name`) so that reconstruct(images) gives back the clean
// images of the loader's batches; returns its MSE per epoch, titled `title`.
TrainingCurves fit(const Settings& settings, const std::string& name, const std::string& title,
                   nn::Module& model, const Reconstruct& reconstruct, data::DataLoader& loader,
                   int64_t epochs) {
  train::History history = train_epochs(
      settings, name, model, loader, epochs, /*progress_bar=*/true,
      [&](const data::Example& b, int64_t) { return F::mse_loss(reconstruct(b.input), b.input); });
  model.eval();
  return {title, "epoch", std::move(history)};
}

// A model that takes and gives images as they are.
Reconstruct as_is(nn::UnaryModule& model) {
  return [&model](const Tensor& x) { return model(x); };
}

// The first n rows of x.
Tensor first(const Tensor& x, int64_t n) { return x.narrow(0, 0, std::min(n, x.size(0))); }

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  manual_seed(settings.seed);
  const data::FashionMNIST train = fashion_mnist(settings, true, "train_images");
  const data::Example test = all_of(fashion_mnist(settings, false, "test_images"));
  const int64_t epochs = settings.epochs.value_or(settings.full ? 15 : 3);
  log << "Fashion-MNIST: " << train.size() << " training and " << test.input.size(0) << " test images; "
      << epochs << " epochs of batches of " << kBatch << " per model\n";
  data::DataLoader loader(train, {.batch_size = kBatch, .shuffle = true, .seed = settings.seed});

  const G::NoiseOptions noise{.noise = G::Noise::Gaussian, .sigma = kSigma};
  G::DenoisingAutoEncoder dense({.sizes = {784, 512, 128}, .output_activation = nn::Activation::Sigmoid},
                                noise);
  // The dense model sees flat images and gives them back as images.
  const Reconstruct by_dense = [&](const Tensor& x) {
    return dense(x.reshape({x.size(0), 784})).reshape(x.shape());
  };
  const G::ConvAutoEncoderOptions conv_options{.channels = {16, 32},
                                               .output_activation = nn::Activation::Sigmoid};
  G::DenoisingAutoEncoder conv(G::conv_encoder(conv_options), G::conv_decoder(conv_options), noise);
  G::ConvAutoEncoder coder({.channels = {16, 32}, .code = 2, .output_activation = nn::Activation::Sigmoid});
  std::vector<TrainingCurves> curves{
      fit(settings, "dense", "dense denoising auto-encoder (MSE)", dense, by_dense, loader, epochs),
      fit(settings, "conv", "convolutional denoising auto-encoder (MSE)", conv, as_is(conv), loader, epochs),
      fit(settings, "coder", "2-D convolutional auto-encoder (MSE)", coder, as_is(coder), loader, epochs)};

  NoGradGuard no_grad;
  const Tensor noisy = G::corrupt(test.input, noise);
  const Tensor dense_out = by_dense(noisy), conv_out = conv(noisy);
  const double noisy_psnr = psnr(noisy, test.input), dense_psnr = psnr(dense_out, test.input),
               conv_psnr = psnr(conv_out, test.input);
  log << "denoising, test PSNR: noisy " << noisy_psnr << " dB, dense auto-encoder " << dense_psnr
      << " dB, convolutional " << conv_psnr << " dB\n";
  const Tensor shown = cat({first(test.input, kShown), clamp(first(noisy, kShown), 0, 1),
                            first(dense_out, kShown), first(conv_out, kShown)});

  const Tensor test_codes = coder.encode(first(test.input, kKnnTest));
  const Tensor some = arange(std::min(kKnnTrain, train.size()), {.dtype = kInt64});
  const data::Example train_part = train.get_batch(some);
  const double accuracy = knn_accuracy(coder.encode(train_part.input), train_part.target, test_codes,
                                       first(test.target, kKnnTest));
  log << "2-D convolutional auto-encoder: 5-NN accuracy of the test codes " << accuracy << '\n';

  return {
      .metrics = {{"noisy_psnr_db", noisy_psnr},
                  {"dense_denoised_psnr_db", dense_psnr},
                  {"conv_denoised_psnr_db", conv_psnr},
                  {"latent_2d_knn_accuracy", accuracy},
                  {"dense_parameters", static_cast<double>(dense.num_parameters())},
                  {"conv_parameters", static_cast<double>(conv.num_parameters())}},
      .checks = {{"the dense auto-encoder's reconstructions beat the noisy images by 5 dB of PSNR",
                  dense_psnr - noisy_psnr, dense_psnr > noisy_psnr + 5},
                 {"the convolutional auto-encoder's reconstructions beat the noisy images by 5 dB of PSNR",
                  conv_psnr - noisy_psnr, conv_psnr > noisy_psnr + 5},
                 {"the 2-D codes keep the classes apart (5-NN test accuracy > 0.45)", accuracy,
                  accuracy > 0.45}},
      .figures = {image_grid(
                      settings, "denoising.png",
                      "test images: clean, with noise of sigma 0.3, reconstructed by the dense and by the "
                      "convolutional denoising auto-encoder (a row each)",
                      shown, kShown, 3),
                  save_figure(settings, "codes.png", "the 2-D codes of 1000 test images, coloured by class",
                              {.axes = {{.xlabel = "z1",
                                         .ylabel = "z2",
                                         .legend = plot::Legend::Outside,
                                         .series = {plot::ClassScatter{
                                             .x = test_codes.select(1, 0),
                                             .y = test_codes.select(1, 1),
                                             .classes = first(test.target, kKnnTest),
                                             .class_names = data::FashionMNIST::classes()}}}},
                               .width = 8})},
      .training = std::move(curves),
      .config = {{"epochs", static_cast<double>(epochs)},
                 {"batch_size", static_cast<double>(kBatch)},
                 {"lr", 1e-3},
                 {"train_images", static_cast<double>(train.size())}},
      .shortened = !settings.full};
}

const Registration registration(
    {.name = "fashion-denoise",
     .seed = "002 (autoencoders), issue 7",
     .title = "Fashion-MNIST: dense and convolutional denoising auto-encoders (PSNR), 2-D codes by class",
     .run = run});

}  // namespace
}  // namespace nabla::examples
