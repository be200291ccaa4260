#pragma once
// The job DistFailure starts: trains under mpirun, rank 0 checkpointing into `dir` after every
// step, until rank 1 kills itself; returns only if it was not killed.
#include <filesystem>

namespace nabla::testing {

int train_until_rank_one_dies(const std::filesystem::path& dir);

}  // namespace nabla::testing
