#pragma once
// torchsummary's model summary: one row per layer that runs (type and call index, output
// shape with -1 for the batch, weight + bias parameter count), the totals, and the sizes
// in MB that torchsummary estimates (4 bytes per number; activations counted twice for
// their gradients).
//   std::cout << nn::summary(model, {4});
#include <iostream>
#include <string>

#include "nabla/nn/unary_module.h"

namespace nabla::nn {

// Runs one forward pass of a batch of two zero inputs of shape input_shape, without
// recording gradients and leaving the model's buffers (e.g. running statistics) as they
// were, and returns the table. Every submodule that can be called is listed except
// Sequential containers (their contents are listed instead); the model itself is not.
std::string summary(UnaryModule& model, const Shape& input_shape);
// Writes summary(model, input_shape) to os.
void print_summary(UnaryModule& model, const Shape& input_shape, std::ostream& os = std::cout);

}  // namespace nabla::nn
