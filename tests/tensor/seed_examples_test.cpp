#include <gtest/gtest.h>

#include "nabla/nabla.h"

using namespace nabla;

TEST(Tensor, SeedNeuron) {
  // The slides' neuron: weights [0, 0.5], bias 4, input [3, 5] -> sigmoid(6.5) = 0.998499.
  const Tensor w = tensor({0, 0.5}), x = tensor({3, 5});
  const Tensor y = sigmoid(add(dot(w, x), 4.0));
  EXPECT_NEAR(y.item<double>(), 0.998498817, 1e-6);
}
