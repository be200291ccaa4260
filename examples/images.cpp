#include "examples/images.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>

#include "examples/loop_checkpoint.h"
#include "nabla/nabla.h"

namespace nabla::examples {

train::History train_epochs(const Settings& settings, const std::string& name, nn::Module& model,
                            data::DataLoader& loader, int64_t epochs, bool progress_bar,
                            const std::function<Tensor(const data::Example&, int64_t)>& loss) {
  optim::Adam optimizer(model.parameters(), {.lr = 1e-3});
  train::History history;
  LoopCheckpoint checkpoint(
      settings, name, {.model = &model, .optimizer = &optimizer, .extra = {{"history", &history}}}, loader);
  log_of(settings) << "  " << name << ": " << model.num_parameters() << " parameters, " << epochs
                   << " epochs\n";
  std::ostream dropped(nullptr);  // discards what is written to it
  train::ProgressBar progress({.stream = progress_bar ? &log_of(settings) : &dropped});
  progress.start(epochs);
  for (int64_t epoch = checkpoint.resume(); epoch < epochs; ++epoch) {
    const auto begin = std::chrono::steady_clock::now();
    train::BatchLogs logs{.epoch = epoch, .batches = loader.size()};
    double total = 0;
    for (const data::Example& batch : loader) {
      checkpoint.check_interrupt();
      optimizer.zero_grad();
      const Tensor value = loss(batch, epoch);
      value.backward();
      optimizer.step();
      logs.loss = value.item<double>();
      logs.samples += batch.input.size(0);
      total += logs.loss * static_cast<double>(batch.input.size(0));
      logs.mean_loss = total / static_cast<double>(logs.samples);
      logs.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      progress.show_batch(logs);
      ++logs.batch;
    }
    progress.show_epoch(epoch, {{"loss", logs.mean_loss},
                                {"seconds", logs.seconds},
                                {"samples_per_second", static_cast<double>(logs.samples) / logs.seconds}});
    history.append({{"loss", logs.mean_loss}});
    checkpoint.save(epoch + 1);
  }
  save_model(settings, name, model);
  return history;
}

double psnr(const Tensor& image, const Tensor& clean) {
  return -10 * std::log10(nn::functional::mse_loss(image, clean).item());
}

double independent_pixels_nll(const Tensor& train, const Tensor& test) {
  const Tensor p = clamp(mean(train, {0}), 1e-3, 1 - 1e-3);
  return generative::bernoulli_nll(test, log(p / (1 - p)).expand(test.shape()).contiguous()).mean().item();
}

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

FigureFile image_grid(const Settings& settings, const std::string& file, const std::string& caption,
                      const Tensor& images, int64_t nrow, int64_t scale) {
  const auto side =
      static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(images.numel() / images.size(0)))));
  io::save_image_grid(settings.out_dir / file, images.reshape({images.size(0), 1, side, side}),
                      {.nrow = nrow, .scale = scale});
  return {.file = file, .caption = caption};
}

data::FashionMNIST fashion_mnist(const Settings& settings, bool train, const std::string& limit_param) {
  return data::FashionMNIST({.root = kFashionMNISTRoot,
                             .train = train,
                             .limit = static_cast<int64_t>(settings.param(limit_param, -1))});
}

data::Example all_of(const data::Dataset& dataset) {
  return dataset.get_batch(arange(dataset.size(), {.dtype = kInt64}));
}

}  // namespace nabla::examples
