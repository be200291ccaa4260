#pragma once
// Entry points of reverse-mode differentiation.
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::autograd {

// Accumulates d(roots)/d(leaf) · grad_roots into every leaf's grad(). A scalar root may
// omit its gradient (it defaults to 1).
void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots = {},
              bool retain_graph = false, bool create_graph = false);

// torch.autograd.grad: returns d(outputs)/d(inputs) · grad_outputs without touching
// grad(). With create_graph the result is itself differentiable. allow_unused returns
// an undefined tensor for inputs the outputs do not depend on instead of throwing.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {},
                         bool retain_graph = false, bool create_graph = false,
                         bool allow_unused = false);

}  // namespace nabla::autograd
