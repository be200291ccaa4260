// Data-parallel scaling on one machine: samples per second of C1's CNN and R2's two-layer LSTM
// trained by the processes of an mpirun job, one thread each, which split the workload's batch
// of 64 (the global batch) evenly. bench/dist_scaling.py runs it with 1 and 2 processes.
//
// Rank 0 prints one JSON line per workload and mode:
//   alone  one process trains the whole batch (the reference)
//   local  each process trains its share without communicating: what the processes' computing
//          alone costs when they share the machine (cores, caches, memory bandwidth)
//   ddp    through DistributedDataParallel: local plus the gradients' all-reduce, so
//          1 - local/ddp time is the all-reduce's share of a step
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>

#include "bench/workloads.h"
#include "nabla/dist/dist.h"

namespace {

using namespace nabla;

// Seconds per step of the slowest process, over `steps` steps after `warmup`.
double seconds_per_step(bench::Workload& w, bool ddp, int warmup, int steps) {
  std::optional<dist::DistributedDataParallel> replica;
  if (ddp) replica.emplace(*w.model);
  for (int i = 0; i < warmup; ++i) w.step();
  dist::barrier();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) w.step();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return dist::all_reduce(seconds, dist::ReduceOp::Max) / steps;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nabla data-parallel scaling (run under mpirun)"};
  std::vector<std::string> ids{"C1", "R2"};
  int64_t global_batch = 64;
  int c1_steps = 40, r2_steps = 6;
  app.add_option("-w,--workload", ids, "workloads (C1, R2)");
  app.add_option("--batch", global_batch, "global batch, split among the processes");
  app.add_option("--c1-steps", c1_steps, "timed C1 steps");
  app.add_option("--r2-steps", r2_steps, "timed R2 steps");
  CLI11_PARSE(app, argc, argv);
  try {
    dist::Environment env(argc, argv);
    set_num_threads(1);
    const int processes = dist::world_size();
    NABLA_CHECK(global_batch % processes == 0, "dist_scaling", "the batch ", global_batch,
                " does not split evenly among ", processes, " processes");
    for (const std::string& id : ids) {
      const int steps = id == "R2" ? r2_steps : c1_steps;
      for (const char* mode : {"alone", "local", "ddp"}) {
        const bool alone = std::string(mode) == "alone";
        if (alone != (processes == 1)) continue;
        bench::Workload w = bench::make_workload(id, global_batch / processes);
        const double seconds = seconds_per_step(w, std::string(mode) == "ddp", 2, steps);
        if (dist::rank() == 0)
          std::cout << "{\"workload\": \"" << id << "\", \"processes\": " << processes << ", \"mode\": \"" << mode
                    << "\", \"ms_per_step\": " << seconds * 1e3
                    << ", \"samples_per_second\": " << static_cast<double>(global_batch) / seconds << "}"
                    << std::endl;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "dist_scaling: " << e.what() << "\n";
    return 1;
  }
}
