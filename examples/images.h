#pragma once
// What the image examples share: a training loop over a data loader, the PSNR of a
// reconstruction, image grids as report figures, and Fashion-MNIST read from Debian's
// dataset-fashion-mnist package.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "examples/example.h"
#include "nabla/data/dataloader.h"
#include "nabla/data/fashion_mnist.h"

namespace nabla::examples {

// `epochs` passes of Adam (lr 1e-3) on the model's parameters over the loader's batches;
// loss(batch, epoch) is the batch's. With `progress_bar`, a train::ProgressBar on the settings'
// log shows it (off for many short epochs, whose summary lines would flood a log file).
// Ctrl-C stops it at the next batch; it checkpoints every epoch as the training `name`
// (LoopCheckpoint), and --resume continues it from there. The trained model goes to
// out_dir/<name>.safetensors. Returns the mean loss of each epoch ("loss").
train::History train_epochs(const Settings& settings, const std::string& name, nn::Module& model,
                            data::DataLoader& loader, int64_t epochs, bool progress_bar,
                            const std::function<Tensor(const data::Example&, int64_t)>& loss);

// Peak signal-to-noise ratio in dB of `image` against `clean`, both with values in [0, 1].
double psnr(const Tensor& image, const Tensor& clean);

// The baseline a density model of images must beat: the mean negative log-likelihood (nats per
// image) of the test images [N, D] under independent Bernoulli pixels with the training images'
// mean grey levels.
double independent_pixels_nll(const Tensor& train, const Tensor& test);

// The fraction of test codes [M, D] whose 5 nearest training codes [N, D] mostly carry their
// label (labels 0..9): how well a low-dimensional code keeps the classes apart.
double knn_accuracy(const Tensor& train_codes, const Tensor& train_labels, const Tensor& test_codes,
                    const Tensor& test_labels);

// Saves images [N, 1, H, W] (or [N, H·W] for square images) with values in [0, 1] as a grid of
// `nrow` per row into settings.out_dir / file, each pixel drawn `scale` times larger, and
// returns its entry for Outcome::figures.
FigureFile image_grid(const Settings& settings, const std::string& file, const std::string& caption,
                      const Tensor& images, int64_t nrow, int64_t scale);

// Where Fashion-MNIST is read from; examples on it are skipped by the tests when it is missing.
inline constexpr const char* kFashionMNISTRoot = "/usr/share/datasets/fashion-mnist";

// Fashion-MNIST's training or test images, scaled to [0, 1]: the first settings.param(limit_param)
// of them when that is set (quick runs), else all of them.
data::FashionMNIST fashion_mnist(const Settings& settings, bool train, const std::string& limit_param);

// Every image of `dataset` and its label, in order: [N, 1, 28, 28] and [N].
data::Example all_of(const data::Dataset& dataset);

}  // namespace nabla::examples
