#pragma once
// Datasets with torch.utils.data's names: a Dataset maps an index in [0, size()) to an
// Example (input, target); a TensorDataset slices tensors along dim 0.
//
//   data::TensorDataset train(x, y);    // x [N, F], y [N] or [N, K]
//   auto [input, target] = train.get(3);  // x[3] and y[3], views like PyTorch's
//
// Indices are 0-based and must lie in [0, size()): negative indices do not count from the end.
#include <concepts>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "nabla/tensor/tensor.h"

namespace nabla::data {

// One sample, or one batch of them stacked along a new dim 0. `target` is undefined for a
// dataset without targets (an autoencoder's, say).
struct Example {
  Tensor input{};
  Tensor target{};
};

class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual int64_t size() const = 0;
  virtual Example get(int64_t index) const = 0;
  // The samples at `indices` (a 1-D int64 tensor, not empty) stacked along a new dim 0, in new
  // memory shared with neither the dataset nor another batch. This default stacks get(i) for
  // each index; a dataset that can gather a whole batch at once overrides it, as TensorDataset
  // does with one index_select per tensor. DataLoader builds every batch through it.
  virtual Example get_batch(const Tensor& indices) const;
};

// The shared dataset that Subset, random_split and DataLoader keep: made from a shared_ptr, or
// from a dataset value that is moved into a new shared one (copying a TensorDataset copies
// tensor handles, not data).
template <class D>
concept ConcreteDataset = std::derived_from<D, Dataset> && !std::is_abstract_v<D>;

class SharedDataset {
 public:
  template <std::derived_from<Dataset> D>
  SharedDataset(std::shared_ptr<D> dataset) : ptr_(std::move(dataset)) {
    NABLA_CHECK(ptr_ != nullptr, "SharedDataset", "null dataset");
  }
  template <ConcreteDataset D>
  SharedDataset(D dataset) : ptr_(std::make_shared<const D>(std::move(dataset))) {}

  const Dataset& operator*() const { return *ptr_; }
  const Dataset* operator->() const { return ptr_.get(); }

 private:
  std::shared_ptr<const Dataset> ptr_;
};

// Samples i of `inputs` and `targets` (both indexed along dim 0, with the same size there).
// Without targets, every Example's target is undefined. The tensors are kept as they are when
// contiguous, else as contiguous copies (so gathering a batch reads only its rows).
class TensorDataset : public Dataset {
 public:
  explicit TensorDataset(Tensor inputs, Tensor targets = {});

  int64_t size() const override { return inputs_.size(0); }
  // Views of inputs[index] and targets[index].
  Example get(int64_t index) const override;
  // One index_select per tensor.
  Example get_batch(const Tensor& indices) const override;

  const Tensor& inputs() const { return inputs_; }
  const Tensor& targets() const { return targets_; }

 private:
  Tensor inputs_;
  Tensor targets_;
};

}  // namespace nabla::data
