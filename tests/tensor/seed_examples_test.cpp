// The two numerical examples of the seed slides (Stephan Robert's "Deep Learning"),
// computed with nabla's ops exactly as the slides' NumPy code does.
#include <gtest/gtest.h>

#include "nabla/nabla.h"

using namespace nabla;

namespace {
// The slides' Neuron: sigmoid(thetas · inputs + bias).
Tensor neuron(const Tensor& thetas, double bias, const Tensor& inputs) {
  return sigmoid(add(dot(thetas, inputs), bias));
}
}  // namespace

TEST(SeedExamples, Neuron) {
  // weights [0, 0.5], bias 4, input [3, 5]: sigmoid(6.5) = 0.998499 ("0.998").
  const Tensor y = neuron(tensor({0, 0.5}), 4, tensor({3, 5}));
  EXPECT_NEAR(y.item<double>(), 0.998498817, 1e-6);
}

TEST(SeedExamples, TwoTwoOneNetwork) {
  // Every neuron has weights [0, 1] and bias 0; input [1, 3]: h1 = h2 = sigmoid(3), and
  // the output is sigmoid(h2) = 0.7216 ("0.72").
  const Tensor w = tensor({0, 1}), x = tensor({1, 3});
  const Tensor h = stack({neuron(w, 0, x), neuron(w, 0, x)});
  const Tensor y = neuron(w, 0, h);
  EXPECT_NEAR(y.item<double>(), 0.7216325609, 1e-6);
}
