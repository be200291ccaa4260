#pragma once
// Finite-difference checks of analytical gradients, in float64 (torch.autograd.gradcheck).
#include <functional>
#include <string>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::autograd {

struct GradcheckOptions {
  double eps = 1e-6;   // central-difference step
  double atol = 1e-5;
  double rtol = 1e-3;
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  // the first mismatch: input, element, numerical vs analytical
  explicit operator bool() const { return ok; }
};

using Function = std::function<Tensor(const std::vector<Tensor>&)>;

// Compares the Jacobian of f at `inputs` (float64 tensors requiring grad) computed by
// backward with central differences, element by element.
GradcheckResult gradcheck(const Function& f, const std::vector<Tensor>& inputs, GradcheckOptions options = {});

// Second order: gradcheck of the map inputs -> d(f · v)/d(inputs) for a fixed random v,
// whose backward runs through graphs recorded with create_graph.
GradcheckResult gradgradcheck(const Function& f, const std::vector<Tensor>& inputs, GradcheckOptions options = {});

}  // namespace nabla::autograd
