// Random crops and flips, and the Augmented dataset.
#include "nabla/data/augment.h"

#include <gtest/gtest.h>

#include <set>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;

// [n, 2, 5, 4] images whose pixels are all different and non-zero.
Tensor images(int64_t n) { return (arange(n * 2 * 5 * 4, {.dtype = kFloat64}) + 1).reshape({n, 2, 5, 4}); }

// The image shifted so that out[y][x] = in[y + dy][x + dx], `fill` outside.
Tensor shifted(const Tensor& image, int64_t dy, int64_t dx, double fill) {
  const int64_t h = image.size(1), w = image.size(2);
  Tensor out = full(image.shape(), fill, {.dtype = image.dtype()});
  for (int64_t c = 0; c < image.size(0); ++c)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        if (y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w)
          out[c][y][x].copy_(image[c][y + dy][x + dx]);
  return out;
}

TEST(Augment, RandomCropIsAShiftWithinThePadding) {
  Generator g(1);
  const Tensor x = images(40);
  const Tensor y = random_crop(x, 1, -1, g);
  std::set<std::pair<int64_t, int64_t>> seen;
  for (int64_t i = 0; i < 40; ++i) {
    bool matched = false;
    for (int64_t dy = -1; dy <= 1 && !matched; ++dy)
      for (int64_t dx = -1; dx <= 1 && !matched; ++dx)
        if (equal(y[i], shifted(x[i], dy, dx, -1))) {
          matched = true;
          seen.insert({dy, dx});
        }
    EXPECT_TRUE(matched) << "image " << i;
  }
  EXPECT_EQ(seen.size(), 9u);  // every offset of the 3 x 3 comes up in 40 draws
  EXPECT_TRUE(equal(random_crop(x, 0, 0, g), x));
}

TEST(Augment, HorizontalFlipMirrorsWithProbabilityP) {
  Generator g(2);
  const Tensor x = images(200);
  const Tensor mirrored = index_select(x, 3, arange(3, -1, -1, {.dtype = kInt64}));
  EXPECT_TRUE(equal(random_horizontal_flip(x, 1, g), mirrored));
  EXPECT_TRUE(equal(random_horizontal_flip(x, 0, g), x));
  const Tensor y = random_horizontal_flip(x, 0.5, g);
  int64_t flipped = 0;
  for (int64_t i = 0; i < 200; ++i) {
    const bool f = equal(y[i], mirrored[i]);
    EXPECT_TRUE(f || equal(y[i], x[i])) << i;
    flipped += f;
  }
  EXPECT_GT(flipped, 70);
  EXPECT_LT(flipped, 130);
}

TEST(Augment, AugmentedDatasetIsReproducibleFromItsSeed) {
  const Tensor x = images(12).to(kFloat32), y = arange(12, {.dtype = kInt64});
  const AugmentOptions o{.crop_padding = 2, .flip_probability = 0.5, .seed = 7};
  const Augmented a(TensorDataset(x, y), o), b(TensorDataset(x, y), o);
  const Augmented c(TensorDataset(x, y), {.crop_padding = 2, .flip_probability = 0.5, .seed = 8});
  const Tensor at = from_vector(std::vector<int64_t>{3, 0, 7}, {3});
  const Example ea = a.get_batch(at), eb = b.get_batch(at), ec = c.get_batch(at);
  EXPECT_TRUE(equal(ea.input, eb.input));
  EXPECT_FALSE(equal(ea.input, ec.input));
  EXPECT_TRUE(equal(ea.target, index_select(y, 0, at)));
  EXPECT_FALSE(equal(a.get_batch(at).input, ea.input));  // fresh draws for every batch
  EXPECT_EQ(a.get(5).input.shape(), (Shape{2, 5, 4}));
  EXPECT_EQ(a.size(), 12);
  // Through a DataLoader, prefetched or not: the same batches.
  DataLoader plain(Augmented(TensorDataset(x, y), o), {.batch_size = 5, .shuffle = true, .seed = 1});
  DataLoader ahead(Augmented(TensorDataset(x, y), o),
                   {.batch_size = 5, .shuffle = true, .seed = 1, .prefetch = true});
  std::vector<Tensor> first;
  for (const auto& [input, target] : plain) first.push_back(input);
  size_t i = 0;
  for (const auto& [input, target] : ahead) EXPECT_TRUE(equal(input, first[i++]));
  EXPECT_EQ(i, first.size());
}

TEST(Augment, RejectsBadOptionsAndInputs) {
  Generator g(3);
  const Tensor x = images(2);
  expect_error([&] { random_crop(x[0], 1, 0, g); }, {"random_crop", "[N, C, H, W]", "[2, 5, 4]"});
  expect_error([&] { random_crop(x, -1, 0, g); }, {"random_crop", "padding"});
  expect_error([&] { random_horizontal_flip(x.to(kInt64), 0.5, g); }, {"random_horizontal_flip", "int64"});
  expect_error([&] { random_horizontal_flip(x, 1.5, g); }, {"random_horizontal_flip", "p must be in [0, 1]"});
  expect_error([&] { Augmented(TensorDataset(x), {.crop_padding = -2}); }, {"Augmented", "crop_padding"});
  expect_error([&] { Augmented(TensorDataset(x), {.flip_probability = 2}); },
               {"Augmented", "flip_probability"});
  const Augmented flat(TensorDataset(zeros({3, 4})), {.flip_probability = 0.5});
  expect_error([&] { flat.get(0); }, {"Augmented", "expected an image [C, H, W]", "[4]"});
}

}  // namespace
}  // namespace nabla::data
