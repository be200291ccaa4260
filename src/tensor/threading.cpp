#include "nabla/tensor/threading.h"

#include <omp.h>

#include "nabla/tensor/error.h"

namespace nabla {

void set_num_threads(int n) {
  NABLA_CHECK(n >= 1, "set_num_threads", "need at least one thread, got ", n);
  omp_set_num_threads(n);
}

int get_num_threads() { return omp_get_max_threads(); }

}  // namespace nabla
