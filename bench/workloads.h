#pragma once
// The training steps the benchmark harness times; bench/torch_workloads.py runs the same
// work in PyTorch. Each workload builds its model and data once, then step() runs
// zero_grad, forward, loss, backward and the optimizer update.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace nabla::bench {

struct Workload {
  std::string id;
  std::string description;
  std::function<void()> step;
  std::function<double()> loss;  // last step's loss, to check both sides do the same work
  int iters = 200;                // default steps per timed repeat
  // Untimed steps first and timed repeats (the median is reported); an epoch-long step needs
  // neither warm-up nor more than one repeat.
  int warmup = 10;
  int repeats = 5;
  // What step() trains, as one module (for DistributedDataParallel in bench/dist_scaling.cpp);
  // set by the workloads that data-parallel training is measured on.
  std::shared_ptr<nn::Module> model{};
};

// Builds a workload by id ("W1", "W1A", "W2", "R1".."R4", "G1", "C1", "C1E"); throws nabla::Error for an unknown id.
Workload make_workload(const std::string& id);
// C1 or R2 with `batch` samples per step instead of their 64: one process's share of the
// global batch in the data-parallel scaling benchmark.
Workload make_workload(const std::string& id, int64_t batch);
std::vector<std::string> workload_ids();

}  // namespace nabla::bench
