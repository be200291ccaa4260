#include "nabla/data/augment.h"

#include <algorithm>
#include <mutex>

#include "nabla/autograd/grad_mode.h"
#include "src/data/check.h"

namespace nabla::data {
namespace {

void check_images(const Tensor& images, const char* op) {
  NABLA_CHECK(images.defined(), op, "undefined images");
  NABLA_CHECK(images.dim() == 4 && images.is_floating_point(), op,
              "expected floating-point images [N, C, H, W], got ", images.dtype(), " of shape ",
              images.shape());
}

// out[n, c, y, x] = in[n, c, y + dy[n], flip[n] ? W - 1 - (x + dx[n]) : x + dx[n]] (with the
// column taken after the shift), `fill` outside the input.
Tensor remap(const Tensor& images, const std::vector<int64_t>& dy, const std::vector<int64_t>& dx,
             const std::vector<bool>& flip, double fill) {
  NoGradGuard guard;
  const Tensor in = images.detach().contiguous();
  const int64_t n = in.size(0), c = in.size(1), h = in.size(2), w = in.size(3);
  Tensor out = nabla::detail::empty(in.shape(), in.dtype());
  dispatch_floating(in.dtype(), "augment", [&](auto v) {
    using T = decltype(v);
    const T* src = in.data_ptr<T>();
    T* dst = out.data_ptr<T>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t y = 0; y < h; ++y) {
          T* row = dst + ((i * c + ch) * h + y) * w;
          const int64_t sy = y + dy[i];
          if (sy < 0 || sy >= h) {
            std::fill(row, row + w, static_cast<T>(fill));
            continue;
          }
          const T* from = src + ((i * c + ch) * h + sy) * w;
          for (int64_t x = 0; x < w; ++x) {
            const int64_t sx = (flip[i] ? w - 1 - x : x) + dx[i];
            row[x] = sx < 0 || sx >= w ? static_cast<T>(fill) : from[sx];
          }
        }
  });
  return out;
}

}  // namespace

Tensor random_crop(const Tensor& images, int64_t padding, double fill, Generator& generator) {
  check_images(images, "random_crop");
  NABLA_CHECK(padding >= 0, "random_crop", "padding must be non-negative, got ", padding);
  const int64_t n = images.size(0);
  std::vector<int64_t> dy(n), dx(n);
  const uint64_t choices = static_cast<uint64_t>(2 * padding + 1);
  for (int64_t i = 0; i < n; ++i) {
    dy[i] = static_cast<int64_t>(generator.next_u64() % choices) - padding;
    dx[i] = static_cast<int64_t>(generator.next_u64() % choices) - padding;
  }
  return remap(images, dy, dx, std::vector<bool>(n, false), fill);
}

Tensor random_horizontal_flip(const Tensor& images, double p, Generator& generator) {
  check_images(images, "random_horizontal_flip");
  NABLA_CHECK(p >= 0 && p <= 1, "random_horizontal_flip", "p must be in [0, 1], got ", p);
  const int64_t n = images.size(0);
  std::vector<bool> flip(n);
  for (int64_t i = 0; i < n; ++i) flip[i] = generator.uniform() < p;
  return remap(images, std::vector<int64_t>(n, 0), std::vector<int64_t>(n, 0), flip, 0);
}

struct Augmented::Draws {
  std::mutex mutex;
  Generator generator;
};

Augmented::Augmented(SharedDataset dataset, AugmentOptions options)
    : dataset_(std::move(dataset)), options_(options), draws_(std::make_shared<Draws>()) {
  NABLA_CHECK(options.crop_padding >= 0, "Augmented", "crop_padding must be non-negative, got ",
              options.crop_padding);
  NABLA_CHECK(options.flip_probability >= 0 && options.flip_probability <= 1, "Augmented",
              "flip_probability must be in [0, 1], got ", options.flip_probability);
  draws_->generator.manual_seed(options.seed);
}

Tensor Augmented::transform(const Tensor& images) const {
  std::lock_guard<std::mutex> lock(draws_->mutex);
  Tensor out = images;
  if (options_.crop_padding > 0)
    out = random_crop(out, options_.crop_padding, options_.fill, draws_->generator);
  if (options_.flip_probability > 0)
    out = random_horizontal_flip(out, options_.flip_probability, draws_->generator);
  return out;
}

Example Augmented::get(int64_t index) const {
  detail::check_index("Augmented", index, size());
  Example e = dataset_->get(index);
  NABLA_CHECK(e.input.defined() && e.input.dim() == 3, "Augmented", "expected an image [C, H, W], got ",
              e.input.defined() ? e.input.shape() : Shape{});
  e.input = transform(e.input.unsqueeze(0)).squeeze(0);
  return e;
}

Example Augmented::get_batch(const Tensor& indices) const {
  Example e = dataset_->get_batch(indices);
  e.input = transform(e.input);
  return e;
}

}  // namespace nabla::data
