#include "nabla/dist/ddp_strategy.h"

#include <algorithm>
#include <cstdint>

#include "nabla/dist/collectives.h"
#include "nabla/dist/process_group.h"
#include "nabla/tensor/factory.h"
#include "src/dist/mpi_check.h"

namespace nabla::dist {
namespace {

struct DDPReplica : train::Replica {
  DDPReplica(nn::Module& model, DistributedDataParallelOptions options) : ddp(model, options) {}
  DistributedDataParallel ddp;
};

// Applies a collective to `values` as a float64 tensor.
template <class F>
void on_tensor(std::vector<double>& values, F collective) {
  Tensor t = from_vector(values, {static_cast<int64_t>(values.size())});
  collective(t);
  values = t.to_vector<double>();
}

int mpi_int(int64_t n, const char* op) {
  NABLA_CHECK(n <= INT32_MAX, op, n, " bytes exceed MPI's count limit of ", INT32_MAX);
  return static_cast<int>(n);
}

}  // namespace

DDPStrategy::DDPStrategy(DistributedDataParallelOptions options)
    : options_(options), rank_(dist::rank()), world_size_(dist::world_size()) {}

std::unique_ptr<train::Replica> DDPStrategy::replicate(nn::Module& model) {
  return std::make_unique<DDPReplica>(model, options_);
}

void DDPStrategy::all_reduce(std::vector<double>& values) {
  on_tensor(values, [](Tensor& t) { dist::all_reduce(t, ReduceOp::Sum); });
}

void DDPStrategy::broadcast(std::vector<double>& values) {
  on_tensor(values, [](Tensor& t) { dist::broadcast(t, 0); });
}

Tensor DDPStrategy::all_gather(const Tensor& tensor) {
  NABLA_CHECK(tensor.defined() && tensor.dim() > 0, "all_gather", "needs a tensor of at least one dim");
  const Tensor local = tensor.contiguous();
  const int64_t row_bytes =
      local.numel() / std::max<int64_t>(local.size(0), 1) * static_cast<int64_t>(local.element_size());
  // Every process's rows, and its row size and dtype to check that they agree.
  std::vector<int64_t> mine{local.size(0), row_bytes, static_cast<int64_t>(local.dtype())};
  std::vector<int64_t> all(mine.size() * static_cast<size_t>(world_size_));
  detail::check_mpi(MPI_Allgather(mine.data(), 3, MPI_INT64_T, all.data(), 3, MPI_INT64_T, MPI_COMM_WORLD),
                    "all_gather");
  std::vector<int> counts(static_cast<size_t>(world_size_)), offsets(counts.size());
  int64_t rows = 0, offset = 0;
  for (size_t r = 0; r < counts.size(); ++r) {
    NABLA_CHECK(all[3 * r + 2] == mine[2] && (all[3 * r] == 0 || mine[0] == 0 || all[3 * r + 1] == row_bytes),
                "all_gather", "process ", r, "'s tensor does not match this one's ", local.dtype(), " ",
                local.shape(), " beyond dim 0");
    counts[r] = mpi_int(all[3 * r] * row_bytes, "all_gather");
    offsets[r] = mpi_int(offset, "all_gather");
    offset += counts[r];
    rows += all[3 * r];
  }
  Shape shape = local.shape();
  shape[0] = rows;
  Tensor result = empty(shape, {.dtype = local.dtype()});
  detail::check_mpi(
      MPI_Allgatherv(local.raw_data(), counts[static_cast<size_t>(rank_)], MPI_BYTE, result.raw_data(),
                     counts.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD),
      "all_gather");
  return result;
}

}  // namespace nabla::dist
