#include "nabla/timeseries/subsequence.h"

#include <vector>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/indexing.h"
#include "src/data/check.h"
#include "src/timeseries/check.h"

namespace nabla::timeseries {

SubsequenceDataset::SubsequenceDataset(Tensor inputs, Tensor targets, SubsequenceOptions options)
    : options_(options) {
  const char* op = "SubsequenceDataset";
  inputs_ = detail::as_channels(inputs, op, "inputs").detach().contiguous();
  targets_ = detail::as_channels(targets, op, "targets").detach().contiguous();
  const int64_t steps = inputs_.size(0);
  NABLA_CHECK(targets_.size(0) == steps, op, "inputs have ", steps, " steps but targets have ",
              targets_.size(0));
  if (options_.stride == 0) options_.stride = options_.length;
  NABLA_CHECK(options_.length >= 1 && options_.stride >= 1, op,
              "length and stride must be at least 1, got length ", options.length, " and stride ",
              options.stride);
  NABLA_CHECK(options_.length <= steps, op, "sub-sequences of length ", options_.length,
              " are longer than the ", steps, " steps of the series");
  detail::check_finite(inputs_, op, "inputs");
  detail::check_finite(targets_, op, "targets");
}

int64_t SubsequenceDataset::size() const { return (inputs_.size(0) - options_.length) / options_.stride + 1; }

int64_t SubsequenceDataset::start(int64_t index) const {
  data::detail::check_index("SubsequenceDataset", index, size());
  return index * options_.stride;
}

data::Example SubsequenceDataset::get(int64_t index) const {
  const int64_t first = start(index);
  return {.input = inputs_.narrow(0, first, options_.length),
          .target = targets_.narrow(0, first, options_.length)};
}

data::Example SubsequenceDataset::get_batch(const Tensor& indices) const {
  data::detail::check_batch_indices("SubsequenceDataset::get_batch", indices);
  const int64_t batch = indices.numel(), length = options_.length;
  std::vector<int64_t> steps;  // every step of every requested sub-sequence, in order
  steps.reserve(static_cast<size_t>(batch * length));
  for (int64_t index : indices.to_vector<int64_t>())
    for (int64_t first = start(index), t = 0; t < length; ++t) steps.push_back(first + t);
  const Tensor rows = from_vector(steps, {batch * length});
  return {.input = index_select(inputs_, 0, rows).view({batch, length, inputs_.size(1)}),
          .target = index_select(targets_, 0, rows).view({batch, length, targets_.size(1)})};
}

}  // namespace nabla::timeseries
