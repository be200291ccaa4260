#pragma once
// What the examples from Raissi's tutorial (seed 000, ../shared/examples-spec.md section 1) share:
// Glorot-uniform weights and zero biases, and a fresh mini-batch drawn without replacement at
// every iteration (no epochs).
#include <cstdint>

#include "nabla/nn/module.h"

namespace nabla::examples {

// Every Linear layer of `model`: weight U(-a, a) with a = √(6 / (fan_in + fan_out)), bias 0.
void initialise_glorot(nn::Module& model);

// `batch` distinct row indices out of n, int64 [batch] (np.random.choice without replacement).
Tensor random_batch(int64_t n, int64_t batch);

}  // namespace nabla::examples
