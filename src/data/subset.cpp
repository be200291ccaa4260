#include "nabla/data/subset.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/indexing.h"
#include "nabla/tensor/random.h"
#include "src/data/check.h"
#include "src/data/split_sizes.h"

namespace nabla::data {

Subset::Subset(SharedDataset dataset, const std::vector<int64_t>& indices)
    : Subset(std::move(dataset), from_vector(indices, {static_cast<int64_t>(indices.size())})) {}

Subset::Subset(SharedDataset dataset, const Tensor& indices) : dataset_(std::move(dataset)) {
  NABLA_CHECK(indices.defined() && indices.dtype() == kInt64 && indices.dim() == 1, "Subset",
              "indices must be a 1-D int64 tensor");
  indices_ = indices.detach().clone();
  const int64_t n = dataset_->size();
  for (int64_t i : indices_.to_vector<int64_t>()) detail::check_index("Subset", i, n);
}

Example Subset::get(int64_t index) const {
  detail::check_index("Subset", index, size());
  return dataset_->get(indices_.data_ptr<int64_t>()[index]);
}

Example Subset::get_batch(const Tensor& indices) const {
  detail::check_batch_indices("Subset::get_batch", indices);
  return dataset_->get_batch(index_select(indices_, 0, indices));
}

namespace detail {

std::vector<int64_t> split_sizes(const std::vector<double>& lengths, int64_t n, const char* op,
                                 const char* whole, const char* unit) {
  NABLA_CHECK(!lengths.empty(), op, "lengths is empty");
  const double total = std::accumulate(lengths.begin(), lengths.end(), 0.0);
  std::vector<int64_t> sizes;
  if (std::abs(total - 1) <= 1e-9 * std::max(1.0, std::abs(total)) && total <= static_cast<double>(n)) {
    for (size_t i = 0; i < lengths.size(); ++i) {
      NABLA_CHECK(lengths[i] >= 0 && lengths[i] <= 1, op, "fraction at index ", i,
                  " is not between 0 and 1: ", lengths[i]);
      sizes.push_back(static_cast<int64_t>(std::floor(static_cast<double>(n) * lengths[i])));
    }
    const int64_t remainder = n - std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
    for (int64_t i = 0; i < remainder; ++i) ++sizes[static_cast<size_t>(i) % sizes.size()];
  } else {
    for (size_t i = 0; i < lengths.size(); ++i) {
      NABLA_CHECK(lengths[i] >= 0 && lengths[i] == std::floor(lengths[i]), op, "length at index ", i,
                  " must be a non-negative whole number (or all lengths fractions summing to 1), got ",
                  lengths[i]);
      NABLA_CHECK(lengths[i] <= static_cast<double>(n), op, "length at index ", i, " is ", lengths[i],
                  ", more than ", whole, "'s ", n, " ", unit);
      sizes.push_back(static_cast<int64_t>(lengths[i]));
    }
  }
  const int64_t sum = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  NABLA_CHECK(sum == n, op, "the lengths sum to ", sum, " but ", whole, " has ", n, " ", unit);
  return sizes;
}

}  // namespace detail

std::vector<Subset> random_split(SharedDataset dataset, const std::vector<double>& lengths,
                                 std::optional<uint64_t> seed) {
  const int64_t n = dataset->size();
  const std::vector<int64_t> sizes =
      detail::split_sizes(lengths, n, "random_split", "the dataset", "samples");
  Generator generator(seed ? *seed : default_generator().next_u64());
  const Tensor order = randperm(n, generator);
  std::vector<Subset> subsets;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    subsets.emplace_back(dataset, order.narrow(0, offset, size));
    offset += size;
  }
  return subsets;
}

}  // namespace nabla::data
