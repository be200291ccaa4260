// Times nabla's training steps: prints one JSON line per workload with the median
// milliseconds per step over `repeats` runs of `iters` steps (after warm-up).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>

#include "bench/workloads.h"

int main(int argc, char** argv) {
  CLI::App app{"nabla training-step benchmark"};
  std::vector<std::string> ids = nabla::bench::workload_ids();
  int threads = 1, iters = 0, repeats = 0, warmup = -1;
  bool list = false;
  app.add_option("-w,--workload", ids, "workload ids");
  app.add_option("-t,--threads", threads, "threads");
  app.add_option("-n,--iters", iters, "steps per repeat (0: the workload's default)");
  app.add_flag("--list", list, "print the workloads as JSON lines and exit");
  app.add_option("-r,--repeats", repeats, "repeats, the median reported (0: the workload's default)");
  app.add_option("--warmup", warmup, "untimed steps first (negative: the workload's default)");
  CLI11_PARSE(app, argc, argv);
  try {
    nabla::set_num_threads(threads);
    for (const std::string& id : ids) {
      nabla::bench::Workload w = nabla::bench::make_workload(id);
      if (list) {
        std::cout << "{\"id\": \"" << w.id << "\", \"iters\": " << w.iters << ", \"description\": \""
                  << w.description << "\"}" << std::endl;
        continue;
      }
      const int n = iters > 0 ? iters : w.iters;
      for (int i = 0; i < (warmup >= 0 ? warmup : w.warmup); ++i) w.step();
      std::vector<double> ms;
      for (int r = 0; r < (repeats > 0 ? repeats : w.repeats); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < n; ++i) w.step();
        const auto t1 = std::chrono::steady_clock::now();
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count() / n);
      }
      std::sort(ms.begin(), ms.end());
      std::cout << "{\"workload\": \"" << id << "\", \"threads\": " << threads << ", \"ms\": " << ms[ms.size() / 2]
                << ", \"loss\": " << w.loss() << "}" << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "nabla_bench: " << e.what() << "\n";
    return 1;
  }
}
