#pragma once
// The loop of every free-run prediction: a model fed its own outputs.
#include <cstdint>
#include <functional>
#include <vector>

#include "nabla/timeseries/predictor.h"

namespace nabla::timeseries::detail {

// Runs `model` `steps` times, each time on input(history) — whose size is the index of the
// step being predicted — and appends its output, which must have the shape `expected`, to
// history. Returns the outputs in order.
std::vector<Tensor> free_run(const Predictor& model, std::vector<Tensor>& history, int64_t steps,
                             const std::function<Tensor(const std::vector<Tensor>&)>& input,
                             const Shape& expected, const char* op);

}  // namespace nabla::timeseries::detail
