// The dist tests' main. Under mpirun (scripts/test.sh: mpirun -np 2 nabla_dist_tests) every
// process runs the collective tests in one process group, and the job fails if any process's
// tests fail. Run alone, it runs the failure tests, which start mpirun jobs of this program
// themselves; with NABLA_DIST_KILL_DIR set, it is such a job's process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "nabla/dist/dist.h"
#include "tests/dist/failure.h"

int main(int argc, char** argv) {
  if (const char* dir = std::getenv("NABLA_DIST_KILL_DIR")) {
    // An exception reaches the handler through the Environment's destructor, which aborts the
    // job (without a handler, std::terminate would end the process without unwinding).
    try {
      nabla::dist::Environment env(argc, argv);
      const char* failure = std::getenv("NABLA_DIST_FAILURE");
      return nabla::testing::train_until_rank_one_dies(dir, failure && std::string(failure) == "exception");
    } catch (const std::exception& e) {
      std::cerr << "nabla_dist_tests: " << e.what() << '\n';
      return 1;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  const std::string filter = GTEST_FLAG_GET(filter);
  if (!nabla::dist::launched_by_mpirun()) {
    GTEST_FLAG_SET(filter, filter == "*" ? "DistFailure.*" : filter);
    return RUN_ALL_TESTS();
  }
  nabla::dist::Environment env(argc, argv);
  GTEST_FLAG_SET(filter, filter == "*" ? "-DistFailure.*" : filter);
  const int failed = RUN_ALL_TESTS();
  return nabla::dist::all_reduce(failed, nabla::dist::ReduceOp::Max) != 0;
}
