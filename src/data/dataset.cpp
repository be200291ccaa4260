#include "nabla/data/dataset.h"

#include <vector>

#include "nabla/tensor/indexing.h"
#include "nabla/tensor/shape_ops.h"
#include "src/data/check.h"

namespace nabla::data {
namespace {

// Stacks the defined tensors; all or none of them must be defined.
Tensor stack_samples(const std::vector<Tensor>& samples, const char* what) {
  const bool defined = samples.front().defined();
  for (const Tensor& t : samples)
    NABLA_CHECK(t.defined() == defined, "Dataset::get_batch", "some samples have a ", what,
                " and others do not");
  return defined ? stack(samples) : Tensor{};
}

}  // namespace

Example Dataset::get_batch(const Tensor& indices) const {
  detail::check_batch_indices("Dataset::get_batch", indices);
  std::vector<Tensor> inputs, targets;
  for (int64_t i : indices.to_vector<int64_t>()) {
    Example e = get(i);
    inputs.push_back(std::move(e.input));
    targets.push_back(std::move(e.target));
  }
  return {stack_samples(inputs, "input"), stack_samples(targets, "target")};
}

// index_select copies a non-contiguous input whole before gathering; doing that once here
// keeps every batch's cost proportional to the batch.
TensorDataset::TensorDataset(Tensor inputs, Tensor targets) {
  NABLA_CHECK(inputs.defined(), "TensorDataset", "undefined inputs");
  NABLA_CHECK(inputs.dim() >= 1, "TensorDataset",
              "inputs must have a sample dimension (dim 0), got a 0-d tensor");
  if (targets.defined())
    NABLA_CHECK(targets.dim() >= 1 && targets.size(0) == inputs.size(0), "TensorDataset", "inputs of shape ",
                inputs.shape(), " and targets of shape ", targets.shape(),
                " do not have the same number of samples along dim 0");
  inputs_ = inputs.contiguous();
  targets_ = targets.defined() ? targets.contiguous() : Tensor{};
}

Example TensorDataset::get(int64_t index) const {
  detail::check_index("TensorDataset", index, size());
  return {inputs_[index], targets_.defined() ? targets_[index] : Tensor{}};
}

Example TensorDataset::get_batch(const Tensor& indices) const {
  detail::check_batch_indices("TensorDataset::get_batch", indices);
  return {index_select(inputs_, 0, indices),
          targets_.defined() ? index_select(targets_, 0, indices) : Tensor{}};
}

}  // namespace nabla::data
