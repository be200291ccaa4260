#pragma once
// How train::Trainer trains data-parallel over several processes without the core library
// knowing how they communicate (Keras's tf.distribute.Strategy, Lightning's DDPStrategy):
// nabla_dist implements it over MPI (dist::DDPStrategy, built when CMake finds MPI), and the
// program that starts the processes hands it to the Trainer through
// TrainerOptions::distributed:
//
//   dist::Environment env(argc, argv);  // under mpirun -np N
//   train::Trainer trainer(model, optimizer, loss, {.distributed = std::make_shared<dist::DDPStrategy>()});
//   trainer.fit(train_loader, &validation_loader);  // the same loaders on every process
//
// With it, and more than one process, fit() trains every process's replica of the model on its
// share of each batch of the loader (which keeps its batch size as the global batch) and
// averages the gradients; losses and metrics are reduced over the processes so that every
// process logs the same numbers; only rank 0 writes the checkpoint and shows the progress bar.
// See TrainerOptions::distributed.
#include <memory>
#include <vector>

#include "nabla/nn/module.h"
#include "nabla/tensor/tensor.h"

namespace nabla::train {

// Keeps a model in step with its replicas on the other processes for as long as it lives.
class Replica {
 public:
  virtual ~Replica() = default;
};

// The processes of a data-parallel run. Every process calls each member in the same order.
class DistributedStrategy {
 public:
  virtual ~DistributedStrategy() = default;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // Makes `model` a replica: rank 0's parameters and buffers on every process now and, until
  // the result is destroyed, after every backward the mean of the processes' gradients.
  virtual std::unique_ptr<Replica> replicate(nn::Module& model) = 0;
  // Replaces each of `values` by its sum over the processes.
  virtual void all_reduce(std::vector<double>& values) = 0;
  // Replaces `values` by rank 0's (the same number of them on every process).
  virtual void broadcast(std::vector<double>& values) = 0;
  // Every process's `tensor` concatenated along dim 0 in rank order. The sizes along dim 0 may
  // differ; the other dims and the dtype must not.
  virtual Tensor all_gather(const Tensor& tensor) = 0;
};

}  // namespace nabla::train
