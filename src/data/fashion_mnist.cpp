#include "nabla/data/fashion_mnist.h"

#include <cmath>
#include <filesystem>

#include "nabla/tensor/factory.h"
#include "src/data/check.h"
#include "src/data/idx_reader.h"

namespace nabla::data {
namespace {

constexpr int64_t kSide = 28;
constexpr int64_t kClasses = 10;

std::string file_in(const FashionMNISTOptions& o, const char* what) {
  const std::string path =
      (std::filesystem::path(o.root) / ((o.train ? "train-" : "t10k-") + std::string(what))).string();
  NABLA_CHECK(
      std::filesystem::exists(path), "FashionMNIST", "'", path,
      "' not found: install Debian's package (apt-get install dataset-fashion-mnist, as scripts/setup.sh "
      "does) or pass the folder holding the IDX files as root");
  return path;
}

}  // namespace

FashionMNIST::FashionMNIST(FashionMNISTOptions o) : options_(std::move(o)) {
  const char* op = "FashionMNIST";
  NABLA_CHECK(options_.stddev > 0 && std::isfinite(options_.stddev) && std::isfinite(options_.mean), op,
              "stddev must be positive and mean finite, got mean ", options_.mean, " and stddev ",
              options_.stddev);
  const std::string images_path = file_in(options_, "images-idx3-ubyte.gz");
  const std::string labels_path = file_in(options_, "labels-idx1-ubyte.gz");
  detail::IdxContents images = detail::read_idx_contents(images_path, options_.limit, op);
  const detail::IdxContents labels = detail::read_idx_contents(labels_path, options_.limit, op);
  NABLA_CHECK(
      images.type == 0x08 && images.dims.size() == 3 && images.dims[1] == kSide && images.dims[2] == kSide,
      op, "'", images_path, "': expected uint8 images [N, 28, 28], got ", detail::idx_type_name(images.type),
      " data of dims ", Shape(images.dims));
  NABLA_CHECK(labels.type == 0x08 && labels.dims.size() == 1 && labels.dims[0] == images.dims[0], op, "'",
              labels_path, "': expected ", images.dims[0], " uint8 labels, got ",
              detail::idx_type_name(labels.type), " data of dims ", Shape(labels.dims));
  std::vector<int64_t> classes(labels.bytes.begin(), labels.bytes.end());
  for (size_t i = 0; i < classes.size(); ++i)
    NABLA_CHECK(classes[i] < kClasses, op, "'", labels_path, "': label ", i, " is ", classes[i],
                ", not a class in [0, 10)");
  labels_ = from_vector(classes, {static_cast<int64_t>(classes.size())});
  pixels_ = std::make_shared<const std::vector<uint8_t>>(std::move(images.bytes));
}

Example FashionMNIST::get(int64_t index) const {
  detail::check_index("FashionMNIST", index, size());
  Example e = get_batch(from_vector(std::vector<int64_t>{index}, {1}));
  return {e.input.squeeze(0), e.target.squeeze(0)};
}

Example FashionMNIST::get_batch(const Tensor& indices) const {
  detail::check_batch_indices("FashionMNIST", indices);
  const Tensor at = indices.contiguous();
  const int64_t n = at.numel(), pixels = kSide * kSide;
  const int64_t* idx = at.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) detail::check_index("FashionMNIST", idx[i], size());
  Tensor images = nabla::detail::empty({n, 1, kSide, kSide}, kFloat32);
  Tensor labels = nabla::detail::empty({n}, kInt64);
  // x / 255 normalised: one multiply-add per pixel.
  const float scale = static_cast<float>(1 / (255 * options_.stddev));
  const float shift = static_cast<float>(-options_.mean / options_.stddev);
  float* out = images.data_ptr<float>();
  int64_t* classes = labels.data_ptr<int64_t>();
  const int64_t* all_labels = labels_.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* src = pixels_->data() + idx[i] * pixels;
    float* dst = out + i * pixels;
    for (int64_t p = 0; p < pixels; ++p) dst[p] = static_cast<float>(src[p]) * scale + shift;
    classes[i] = all_labels[idx[i]];
  }
  return {images, labels};
}

const std::vector<std::string>& FashionMNIST::classes() {
  static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

}  // namespace nabla::data
