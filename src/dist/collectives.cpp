#include "nabla/dist/collectives.h"

#include <cstdint>

#include "nabla/autograd/grad_mode.h"
#include "nabla/dist/process_group.h"
#include "nabla/tensor/factory.h"
#include "src/dist/mpi_check.h"

namespace nabla::dist {
namespace {

MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::Max:
      return MPI_MAX;
    case ReduceOp::Min:
      return MPI_MIN;
    case ReduceOp::Sum:
    case ReduceOp::Mean:
      break;
  }
  return MPI_SUM;  // Mean divides the sum afterwards
}

int mpi_count(int64_t n, const char* op) {
  NABLA_CHECK(n <= INT32_MAX, op, n, " elements exceed MPI's count limit of ", INT32_MAX);
  return static_cast<int>(n);
}

// Runs `collective` on a contiguous copy when `tensor` is not contiguous, then writes the
// result back; either way the storage's version moves on, as for any in-place change.
template <class F>
void in_place(Tensor& tensor, const char* op, F collective) {
  NABLA_CHECK(tensor.defined(), op, "undefined tensor");
  detail::require_initialized(op);
  Tensor buffer = tensor.is_contiguous() ? tensor : tensor.contiguous();
  collective(buffer);
  if (buffer.impl() != tensor.impl()) {
    NoGradGuard no_grad;
    tensor.detach().copy_(buffer);
  }
  tensor.storage()->bump_version();
}

}  // namespace

void broadcast(Tensor& tensor, int root) {
  in_place(tensor, "broadcast", [&](Tensor& t) {
    const int bytes = mpi_count(t.numel() * static_cast<int64_t>(t.element_size()), "broadcast");
    detail::check_mpi(MPI_Bcast(t.raw_data(), bytes, MPI_BYTE, root, MPI_COMM_WORLD), "broadcast");
  });
}

void all_reduce(Tensor& tensor, ReduceOp op) {
  NABLA_CHECK(!tensor.defined() || tensor.dtype() == kFloat32 || tensor.dtype() == kFloat64, "all_reduce",
              "needs a float32 or float64 tensor, got ", tensor.dtype());
  in_place(tensor, "all_reduce", [&](Tensor& t) {
    const MPI_Datatype type = t.dtype() == kFloat32 ? MPI_FLOAT : MPI_DOUBLE;
    detail::check_mpi(MPI_Allreduce(MPI_IN_PLACE, t.raw_data(), mpi_count(t.numel(), "all_reduce"), type,
                                    mpi_op(op), MPI_COMM_WORLD),
                      "all_reduce");
    if (op == ReduceOp::Mean) {
      NoGradGuard no_grad;
      t.detach().div_(world_size());
    }
  });
}

double all_reduce(double value, ReduceOp op) {
  Tensor t = scalar_tensor(value, {.dtype = kFloat64});
  all_reduce(t, op);
  return t.item();
}

}  // namespace nabla::dist
