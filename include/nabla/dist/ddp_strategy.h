#pragma once
// train::DistributedStrategy over MPI, for train::Trainer (see train/distributed_strategy.h):
// replicas through DistributedDataParallel, reductions through the collectives.
//
//   dist::Environment env(argc, argv);
//   train::Trainer trainer(model, optimizer, loss, {.distributed = std::make_shared<dist::DDPStrategy>()});
#include "nabla/dist/distributed_data_parallel.h"
#include "nabla/train/distributed_strategy.h"

namespace nabla::dist {

class DDPStrategy : public train::DistributedStrategy {
 public:
  // Needs an initialised process group (dist::Environment).
  explicit DDPStrategy(DistributedDataParallelOptions options = {});

  int rank() const override { return rank_; }
  int world_size() const override { return world_size_; }
  std::unique_ptr<train::Replica> replicate(nn::Module& model) override;
  void all_reduce(std::vector<double>& values) override;
  void broadcast(std::vector<double>& values) override;
  Tensor all_gather(const Tensor& tensor) override;

 private:
  DistributedDataParallelOptions options_;
  int rank_;
  int world_size_;
};

}  // namespace nabla::dist
