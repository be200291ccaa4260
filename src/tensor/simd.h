#pragma once
// Run-time choice between the build's baseline instruction set (AVX2, -march=x86-64-v3) and
// AVX-512, which doubles the lanes of the vectorised kernels on CPUs that have it.
#include <cstdint>

// Code built for AVX-512, with GCC's auto-vectoriser allowed to use 512-bit vectors (its
// default tuning stops at 256 bits).
#define NABLA_TARGET_AVX512 gnu::target("avx512f,avx512vl,avx512bw,avx512dq,fma,prefer-vector-width=512")

namespace nabla::detail {

enum class SimdIsa { kAvx2, kAvx512 };

// Whether this CPU runs code built for `isa`.
bool cpu_supports(SimdIsa isa);

// The widest instruction set this CPU supports (looked up once).
SimdIsa best_simd_isa();

// Runs f() in code built for AVX-512: `flatten` inlines f and everything it calls into this
// instantiation, so their loops vectorise 16 floats wide. Only for CPUs that support it.
template <class F>
[[gnu::flatten, NABLA_TARGET_AVX512]] void invoke_avx512(F&& f) {
  f();
}

// Runs f() built for the widest instruction set the CPU has. f should be a lambda whose
// work is loops over plain arrays (no calls through pointers, which cannot be inlined).
template <class F>
void invoke_widest(F&& f) {
  if (best_simd_isa() == SimdIsa::kAvx512)
    invoke_avx512(f);
  else
    f();
}

}  // namespace nabla::detail
