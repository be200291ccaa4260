#include "src/tensor/simd.h"

namespace nabla::detail {

bool cpu_supports(SimdIsa isa) {
  switch (isa) {
    case SimdIsa::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SimdIsa::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  }
  return false;
}

SimdIsa best_simd_isa() {
  static const SimdIsa isa = cpu_supports(SimdIsa::kAvx512) ? SimdIsa::kAvx512 : SimdIsa::kAvx2;
  return isa;
}

}  // namespace nabla::detail
