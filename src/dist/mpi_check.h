#pragma once
// MPI return codes as nabla::Error. The process group makes MPI_COMM_WORLD return error codes
// instead of aborting, so that a failure names the nabla operation that met it.
#include <mpi.h>

#include "nabla/tensor/error.h"

namespace nabla::dist::detail {

inline void check_mpi(int code, const char* op) {
  if (code == MPI_SUCCESS) [[likely]]
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  ::nabla::detail::fail(op, "MPI failed: ", text);
}

// Throws unless the process group is initialised.
void require_initialized(const char* op);

}  // namespace nabla::dist::detail
