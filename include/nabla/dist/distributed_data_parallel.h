#pragma once
// torch.nn.parallel.DistributedDataParallel: every process trains a replica of the model on
// its own part of each global batch, and after backward every replica holds the gradient of
// the whole batch (the mean of the processes' gradients), so identical optimizer steps keep
// the replicas identical.
//
//   dist::Environment env(argc, argv);
//   Net net;
//   dist::DistributedDataParallel ddp(net);   // rank 0's parameters and buffers everywhere
//   optim::SGD opt(net.parameters(), {.lr = 0.1});
//   for (auto batch : my_shard) {             // e.g. through a data::DistributedSampler
//     opt.zero_grad();
//     loss(net(batch)).backward();            // gradients averaged across processes here
//     opt.step();
//   }
//
// Gradients are reduced in buckets of about bucket_cap_mb, filled in reverse registration
// order (roughly the order backward produces them). A post-accumulate-grad hook on each
// parameter copies its gradient into its bucket as soon as backward has produced it, and
// a full bucket starts its reduction (MPI_Iallreduce) while backward computes the
// gradients of the layers before it; the last gradient waits for all reductions and writes
// the averages back into grad(). Buckets start in the same order on every process, whatever
// order their gradients came in.
//
// Every parameter that requires grad must receive a gradient in each backward: one that does
// not leaves the reduction unfinished, and the next backward throws nabla::Error naming it
// (PyTorch's find_unused_parameters is not provided). Buffers are broadcast once, at
// construction.
#include <memory>

#include "nabla/nn/module.h"

namespace nabla::dist {

struct DistributedDataParallelOptions {
  double bucket_cap_mb = 25;  // PyTorch's default
};

class DistributedDataParallel {
 public:
  explicit DistributedDataParallel(nn::Module& module, DistributedDataParallelOptions options = {});
  ~DistributedDataParallel();
  DistributedDataParallel(const DistributedDataParallel&) = delete;
  DistributedDataParallel& operator=(const DistributedDataParallel&) = delete;

  nn::Module& module() const { return module_; }
  // How many buckets the gradients are reduced in.
  int num_buckets() const;

 private:
  struct Reducer;
  nn::Module& module_;
  std::unique_ptr<Reducer> reducer_;
};

}  // namespace nabla::dist
