#include "nabla/dist/process_group.h"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <thread>

#include "src/dist/mpi_check.h"

namespace nabla::dist {

bool is_initialized() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

void detail::require_initialized(const char* op) {
  NABLA_CHECK(is_initialized(), op,
              "the process group is not initialized (create a dist::Environment first)");
}

void init_process_group(int* argc, char*** argv) {
  int finalized = 0;
  MPI_Finalized(&finalized);
  NABLA_CHECK(!finalized, "init_process_group", "MPI was finalized and cannot be initialized again");
  if (is_initialized()) return;
  int provided = 0;
  detail::check_mpi(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "init_process_group");
  detail::check_mpi(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "init_process_group");
}

void destroy_process_group() {
  if (is_initialized()) detail::check_mpi(MPI_Finalize(), "destroy_process_group");
}

Environment::Environment(int* argc, char*** argv) : uncaught_at_start_(std::uncaught_exceptions()) {
  init_process_group(argc, argv);
}

Environment::~Environment() {
  // Finalising waits for the other processes, which may be waiting for this one in a
  // collective it will never join: a failing process ends the job instead.
  if (std::uncaught_exceptions() > uncaught_at_start_ && is_initialized()) {
    std::cerr << "nabla::dist: an exception left dist::Environment on rank " << rank()
              << "; aborting the job\n";
    abort(1);
  }
  if (is_initialized()) MPI_Finalize();
}

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

int rank() {
  detail::require_initialized("rank");
  int r = 0;
  detail::check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &r), "rank");
  return r;
}

int world_size() {
  detail::require_initialized("world_size");
  int n = 0;
  detail::check_mpi(MPI_Comm_size(MPI_COMM_WORLD, &n), "world_size");
  return n;
}

int local_world_size() {
  detail::require_initialized("local_world_size");
  MPI_Comm local = MPI_COMM_NULL;
  detail::check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local),
                    "local_world_size");
  int n = 0;
  const int code = MPI_Comm_size(local, &n);
  MPI_Comm_free(&local);
  detail::check_mpi(code, "local_world_size");
  return n;
}

void idle_barrier() {
  detail::require_initialized("idle_barrier");
  MPI_Request request = MPI_REQUEST_NULL;
  detail::check_mpi(MPI_Ibarrier(MPI_COMM_WORLD, &request), "idle_barrier");
  for (int done = 0;;) {
    detail::check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "idle_barrier");
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void barrier() {
  detail::require_initialized("barrier");
  detail::check_mpi(MPI_Barrier(MPI_COMM_WORLD), "barrier");
}

void abort(int code) {
  if (is_initialized()) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace nabla::dist
