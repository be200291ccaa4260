#pragma once
// The processes of a data-parallel run, through MPI (torch.distributed's names). Start the
// program with mpirun; each process creates one Environment for its whole run:
//
//   int main(int argc, char** argv) {
//     dist::Environment env(argc, argv);
//     if (dist::rank() == 0) std::cout << dist::world_size() << " processes\n";
//     ...
//   }
//
// A process that fails must not leave the others waiting for it in a collective: an
// exception that leaves Environment's scope aborts the whole job (MPI_Abort) instead of
// finalising, and mpirun ends every process of a job one of whose processes died. Run
// without mpirun, a program is a job of one process.
//
// This component is built only when CMake finds MPI (target nabla_dist); the rest of nabla
// never needs it.

namespace nabla::dist {

// init_process_group / destroy_process_group: MPI_Init_thread (MPI is only called from the
// thread that initialised it; OpenMP threads never call it) and MPI_Finalize. MPI cannot be
// initialised again once finalised.
void init_process_group(int* argc = nullptr, char*** argv = nullptr);
void destroy_process_group();
bool is_initialized();

// Initialises on construction and finalises on destruction; on destruction by an exception,
// aborts the job so that the other processes stop too.
class Environment {
 public:
  Environment() : Environment(nullptr, nullptr) {}
  Environment(int& argc, char**& argv) : Environment(&argc, &argv) {}
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

 private:
  Environment(int* argc, char*** argv);
  int uncaught_at_start_;
};

// Whether mpirun (or another PMI launcher) started this process, read from the environment
// before any MPI call: a program that also runs alone starts the process group only then.
bool launched_by_mpirun();

int rank();
int world_size();
// The job's processes on this machine (which share its cores).
int local_world_size();
void barrier();
// A barrier that sleeps between checks, for processes that wait long while another computes
// alone: MPI's own barrier polls and keeps a core busy.
void idle_barrier();
// Ends every process of the job with exit code `code` (MPI_Abort).
[[noreturn]] void abort(int code);

}  // namespace nabla::dist
