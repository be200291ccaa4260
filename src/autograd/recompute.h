#pragma once
// Double backward for fused ops whose derivative is too long to write a second time with
// differentiable ops (a recurrent layer's backward through time). When the backward pass is
// itself recorded (create_graph), the op's rule calls recompute_backward: it reruns the op
// written with differentiable ops on stand-ins of its inputs and differentiates that with
// create_graph. The stand-ins' nodes are connected to the real inputs only after that inner
// pass (which must not walk into the outer graph being executed), so the returned gradients
// are differentiable with respect to the op's inputs and to `grad_outputs`.
#include <functional>

#include "nabla/autograd/node.h"

namespace nabla::autograd {

using ComposedForward = std::function<TensorList(const TensorList& inputs)>;

// One gradient per input (undefined for inputs whose edge in `edges` needs none, or that the
// outputs do not depend on). grad_outputs[i] may be undefined for outputs that received none.
TensorList recompute_backward(const ComposedForward& forward, const TensorList& inputs,
                              const std::vector<Edge>& edges, const TensorList& grad_outputs);

}  // namespace nabla::autograd
