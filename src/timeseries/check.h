#pragma once
// The input checks and shape conventions every part of nabla::timeseries shares.
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::timeseries::detail {

// `series` ([T] or [T, C], floating) as [T, C]: a [T] series is one channel.
Tensor as_channels(const Tensor& series, const char* op, const char* name);

// A record ([T], [T, C]) or a batch of records ([B, T, C]), floating, as [B, T, C].
Tensor as_batched(const Tensor& records, const char* op, const char* name);

// Throws naming the step and channel (and, for [B, T, C], the `item` of the batch: "record",
// "window") of the first NaN or infinity in `x`, a [T, C] series or [B, T, C] records. `step`
// names the rows of [T, C] ("row" for a regression's samples).
void check_finite(const Tensor& x, const char* op, const char* name, const char* item = "record",
                  const char* step = "step");

}  // namespace nabla::timeseries::detail
