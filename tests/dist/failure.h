#pragma once
// The job DistFailure starts: trains under mpirun, rank 0 checkpointing into `dir` after every
// step, until rank 1 fails: killed by a signal, or (`by_exception`) throwing nabla::Error.
#include <filesystem>

namespace nabla::testing {

int train_until_rank_one_dies(const std::filesystem::path& dir, bool by_exception);

}  // namespace nabla::testing
