#pragma once
// The one thread pool: nabla's kernels and oneDNN's GEMM share OpenMP's threads, and
// OpenBLAS (float64 GEMM only) is kept single-threaded so pools never fight for cores.

namespace nabla {

void set_num_threads(int n);
int get_num_threads();

}  // namespace nabla
