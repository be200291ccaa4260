#pragma once
// Random crops and horizontal flips of images, torchvision's RandomCrop(size, padding) and
// RandomHorizontalFlip(p), drawn afresh for every image of every batch:
//
//   data::Augmented train(data::FashionMNIST({.train = true}),
//                         {.crop_padding = 4, .flip_probability = 0.5, .seed = 0});
//   data::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 0});
//
// The draws come from the options' seed, in the order the images are asked for, so a run that
// asks for the same batches in the same order sees the same images (a DataLoader's prefetching
// thread builds its batches in order).
#include <cstdint>
#include <memory>

#include "nabla/data/dataset.h"
#include "nabla/tensor/random.h"

namespace nabla::data {

struct AugmentOptions {
  // Pad each side with this many pixels of `fill`, then crop the original size at an offset
  // drawn uniformly from the 2 crop_padding + 1 possible in each dim.
  int64_t crop_padding = 0;
  // The padded pixels' value: 0 is black for images in [0, 1], -mean / std after normalising.
  double fill = 0;
  // Mirror left-right (after the crop) with this probability.
  double flip_probability = 0;
  uint64_t seed = 0;
};

// The transforms on a batch [N, C, H, W] of floating images, each image drawing from
// `generator`: a new tensor, recording no graph.
Tensor random_crop(const Tensor& images, int64_t padding, double fill, Generator& generator);
Tensor random_horizontal_flip(const Tensor& images, double p, Generator& generator);

// The samples of a dataset of images (inputs [C, H, W], batches [N, C, H, W]) with the
// transforms applied; targets pass through. Copies share one stream of draws.
class Augmented : public Dataset {
 public:
  Augmented(SharedDataset dataset, AugmentOptions options);

  int64_t size() const override { return dataset_->size(); }
  Example get(int64_t index) const override;
  Example get_batch(const Tensor& indices) const override;

 private:
  struct Draws;
  Tensor transform(const Tensor& images) const;

  SharedDataset dataset_;
  AugmentOptions options_;
  std::shared_ptr<Draws> draws_;
};

}  // namespace nabla::data
