#pragma once
// Sub-sequence batching for recurrent (and simulation-error) training: a record of T steps
// cut into sub-sequences of L steps, L ≪ T, whose starts are `stride` apart (overlapping when
// stride < L), as a dataset for data::DataLoader:
//
//   timeseries::SubsequenceDataset ds(u, y, {.length = 64, .stride = 32});   // u [T, nu], y [T, ny]
//   data::DataLoader loader(ds, {.batch_size = 16, .shuffle = true, .seed = 0});
//   for (const auto& [u_batch, y_batch] : loader) {      // [16, 64, nu], [16, 64, ny]
//     auto [y_hat, state] = lstm.forward_sequence(u_batch);
//     Tensor loss = timeseries::sequence_mse_loss(y_hat, y_batch, {.washout = 16});
//     ...
//
// Sub-sequence q covers steps [q * stride, q * stride + L); there are Q = (T - L) / stride + 1
// (rounded down), and the last (T - L) % stride steps are in none when stride does not divide
// T - L.
#include <cstdint>

#include "nabla/data/dataset.h"

namespace nabla::timeseries {

struct SubsequenceOptions {
  int64_t length = 0;  // L, steps per sub-sequence
  int64_t stride = 0;  // steps between consecutive starts; 0: `length` (no overlap)
};

class SubsequenceDataset : public data::Dataset {
 public:
  // inputs [T] or [T, C_in] and targets [T] or [T, C_out] (floating, finite, the same T); a [T]
  // series is read as [T, 1].
  SubsequenceDataset(Tensor inputs, Tensor targets, SubsequenceOptions options);

  int64_t size() const override;
  // Views of inputs and targets over sub-sequence `index`: [L, C_in] and [L, C_out].
  data::Example get(int64_t index) const override;
  // The sub-sequences at `indices`, gathered with one index_select per tensor: [B, L, C].
  data::Example get_batch(const Tensor& indices) const override;

  // The first step of sub-sequence `index`.
  int64_t start(int64_t index) const;
  const SubsequenceOptions& options() const { return options_; }

 private:
  Tensor inputs_;
  Tensor targets_;
  SubsequenceOptions options_;
};

}  // namespace nabla::timeseries
