#pragma once
// Subsets of a dataset and torch.utils.data.random_split:
//
//   auto parts = data::random_split(data::TensorDataset(x, y), {0.8, 0.2}, /*seed=*/42);
//   data::DataLoader train(parts[0], {.batch_size = 32, .shuffle = true});
#include <cstdint>
#include <optional>
#include <vector>

#include "nabla/data/dataset.h"

namespace nabla::data {

// The samples of `dataset` at `indices`: sample i of the subset is dataset[indices[i]]. A
// batch maps its indices and asks the dataset for it in one get_batch call, so a subset of a
// TensorDataset gathers batches as fast as the TensorDataset itself.
class Subset : public Dataset {
 public:
  Subset(SharedDataset dataset, const std::vector<int64_t>& indices);
  // `indices` is a 1-D int64 tensor (copied).
  Subset(SharedDataset dataset, const Tensor& indices);

  int64_t size() const override { return indices_.numel(); }
  Example get(int64_t index) const override;
  Example get_batch(const Tensor& indices) const override;

  const Dataset& dataset() const { return *dataset_; }
  // The dataset's indices, int64 [size()].
  const Tensor& indices() const { return indices_; }

 private:
  SharedDataset dataset_;
  Tensor indices_;
};

// Splits `dataset` into non-overlapping random subsets covering it, as PyTorch does: one
// random permutation, cut into consecutive pieces. `lengths` are either the subsets' sizes,
// summing to dataset.size(), or fractions summing to 1 (PyTorch's rule: a list summing to 1
// within 1e-9 is read as fractions, unless its sum exceeds the dataset's size, so {1} is
// one subset of everything). Fractions get floor(fraction * size) samples each, and the
// remainder goes one sample at a time to the subsets in order from the first. Without a
// seed, one is drawn from the global generator (so manual_seed makes the split repeatable).
// Sizes computed from int64 values must be converted: {double(n - k), double(k)}.
std::vector<Subset> random_split(SharedDataset dataset, const std::vector<double>& lengths,
                                 std::optional<uint64_t> seed = std::nullopt);

}  // namespace nabla::data
