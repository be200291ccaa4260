#pragma once
// Fashion-MNIST (Zalando's 28 x 28 grey images of clothes in 10 classes: 60,000 for training,
// 10,000 for testing), read from the IDX files of Debian's dataset-fashion-mnist package:
//
//   data::FashionMNIST train({.train = true, .mean = 0.2860, .stddev = 0.3530});
//   data::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 0});
//   for (const auto& [images, labels] : loader) { ... }  // float32 [64, 1, 28, 28], int64 [64]
//
// The pixels stay one byte each in memory; a batch scales them to [0, 1] and then normalises
// them, (x - mean) / stddev. Wrap the dataset in data::Augmented for random crops and flips.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nabla/data/dataset.h"

namespace nabla::data {

struct FashionMNISTOptions {
  // Holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz and the t10k-* files.
  std::string root = "/usr/share/datasets/fashion-mnist";
  bool train = true;  // the 60,000 training images, else the 10,000 test images
  // Only the first `limit` images (all when negative): quick runs read no more of the files.
  int64_t limit = -1;
  double mean = 0;
  double stddev = 1;
};

class FashionMNIST : public Dataset {
 public:
  explicit FashionMNIST(FashionMNISTOptions options = {});

  int64_t size() const override { return labels_.numel(); }
  // Image [1, 28, 28] (float32) and its class (int64, 0-d).
  Example get(int64_t index) const override;
  Example get_batch(const Tensor& indices) const override;

  // Every label, int64 [size()].
  const Tensor& targets() const { return labels_; }
  const FashionMNISTOptions& options() const { return options_; }
  // The names of classes 0 to 9: "T-shirt/top", "Trouser", ..., "Ankle boot".
  static const std::vector<std::string>& classes();

 private:
  FashionMNISTOptions options_;
  std::shared_ptr<const std::vector<uint8_t>> pixels_;  // [size(), 28, 28], shared by copies
  Tensor labels_;
};

}  // namespace nabla::data
