#pragma once
// Walking the latent space of a trained model.
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::generative {

// `steps` codes evenly spaced on the segment from `from` to `to` (both ends included), stacked
// along a new first dim: [steps, ...] for codes of any shape. Decode them to see the model morph
// one sample into another.
Tensor interpolate(const Tensor& from, const Tensor& to, int64_t steps);

}  // namespace nabla::generative
