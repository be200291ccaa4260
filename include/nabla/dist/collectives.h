#pragma once
// Collectives over all processes (torch.distributed.broadcast / all_reduce). Every process must
// call them in the same order with tensors of the same shape and dtype. They change the
// tensor in place, outside autograd (like PyTorch's), and need an initialised process group
// (dist::Environment).
#include "nabla/tensor/tensor.h"

namespace nabla::dist {

enum class ReduceOp { Sum, Mean, Max, Min };

// Copies root's tensor into every other process's `tensor` (any dtype).
void broadcast(Tensor& tensor, int root);
// Replaces `tensor` (float32 or float64) on every process by the elementwise reduction of all
// processes' tensors.
void all_reduce(Tensor& tensor, ReduceOp op = ReduceOp::Sum);
// A metric reduced over the processes: the mean loss, the total of correct predictions.
double all_reduce(double value, ReduceOp op = ReduceOp::Sum);

}  // namespace nabla::dist
