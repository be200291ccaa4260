#pragma once
// What the interrupt-and-resume tests train: 48 random regression samples, and an MLP with
// dropout, so that a resumed run matches an uninterrupted one only if the random generator's
// state comes back too.
#include <cstdint>

#include "nabla/nabla.h"

namespace nabla::testing {

inline data::TensorDataset regression_samples() {
  manual_seed(7);
  const Tensor x = randn({48, 3}), y = randn({48, 1});
  return data::TensorDataset(x, y);
}

// 3 -> 16 -> 1 with ReLU and dropout 0.3, initialised from `init_seed`.
inline nn::Sequential dropout_mlp(uint64_t init_seed) {
  manual_seed(init_seed);
  nn::Sequential model;
  model.push_back(nn::Linear({.in_features = 3, .out_features = 16}));
  model.push_back(nn::ReLU());
  model.push_back(nn::Dropout({.p = 0.3}));
  model.push_back(nn::Linear({.in_features = 16, .out_features = 1}));
  return model;
}

}  // namespace nabla::testing
