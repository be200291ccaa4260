// Small-matrix SGEMM. Three schemes, all keeping a tile of C in registers:
//  - outer products (NN, TN): per k, broadcast kRows elements of A's column and multiply them
//    into kVecs vectors of B's row k; B is read in place, a row at a time.
//  - dot products (NT with few rows and long K, e.g. x·Wᵀ at batch 10): kDotRows rows of A
//    against kDotCols rows of B, vectorised along K and reduced once at the end, in place.
//  - other NT, and TT: Bᵀ is copied panel by panel into a stack buffer, then outer products.
// The kernels are templates over an ISA's vector ops; each ISA gets one `flatten` entry point
// built for it, which inlines the whole family into code for that ISA.
#include "src/tensor/small_gemm.h"

#include <immintrin.h>

#include <algorithm>

#include "nabla/tensor/error.h"

// AVX-512 values are passed between functions only inside run_avx512, which inlines them all.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace nabla::detail {
namespace {

// The members are deliberately not always_inline: that would make GCC inline the AVX-512 ones
// into the ISA-neutral template bodies, which it refuses; `flatten` inlines them at the end.
struct Avx2 {
  using V = __m256;
  using Mask = __m256i;
  static constexpr int kW = 8;
  static constexpr bool kFreeMask = false;  // vmaskmovps costs extra uops: full panels load plainly
  static constexpr int kRows = 6, kVecs = 2, kDotRows = 3, kDotCols = 4;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  // The first min(n, kW) lanes.
  static Mask mask(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<int64_t>(n, kW))),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V load(const float* p, Mask m) { return _mm256_maskload_ps(p, m); }
  static void store(float* p, V x) { _mm256_storeu_ps(p, x); }
  static void store(float* p, V x, Mask m) { _mm256_maskstore_ps(p, m, x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static __m256 fold256(V x) { return x; }
};

struct Avx512 {
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int kW = 16;
  static constexpr bool kFreeMask = true;  // a masked load or store costs the same as a plain one
  static constexpr int kRows = 6, kVecs = 4, kDotRows = 5, kDotCols = 4;
  [[NABLA_TARGET_AVX512]] static V zero() { return _mm512_setzero_ps(); }
  [[NABLA_TARGET_AVX512]] static V set1(float x) { return _mm512_set1_ps(x); }
  [[NABLA_TARGET_AVX512]] static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Mask mask(int64_t n) { return static_cast<Mask>(n <= 0 ? 0 : n >= kW ? 0xffff : (1u << n) - 1); }
  [[NABLA_TARGET_AVX512]] static V load(const float* p) { return _mm512_loadu_ps(p); }
  [[NABLA_TARGET_AVX512]] static V load(const float* p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
  [[NABLA_TARGET_AVX512]] static void store(float* p, V x) { _mm512_storeu_ps(p, x); }
  [[NABLA_TARGET_AVX512]] static void store(float* p, V x, Mask m) { _mm512_mask_storeu_ps(p, m, x); }
  [[NABLA_TARGET_AVX512]] static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  [[NABLA_TARGET_AVX512]] static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  [[NABLA_TARGET_AVX512]] static __m256 fold256(V x) {
    return _mm256_add_ps(_mm512_extractf32x8_ps(x, 0), _mm512_extractf32x8_ps(x, 1));
  }
};

struct Args {
  int64_t m, n, k;
  float alpha, beta;
  const float* a;
  int64_t lda;
  const float* b;
  int64_t ldb;
  float* c;
  int64_t ldc;
};

// f.template operator()<n>() for a run-time 1 <= n <= N.
template <int N, class F>
void with_constant(int n, const F& f) {
  if constexpr (N > 1) {
    if (n < N) return with_constant<N - 1>(n, f);
  }
  f.template operator()<N>();
}

// `total` rows as ceil(total / max) blocks of near-equal height, so that M = 10 with max 6 runs
// as 5 + 5 rather than 6 + 4. Built once per call: the division is dearer than a small tile.
struct RowBlocks {
  int64_t count, base, extra;  // the first `extra` blocks have base + 1 rows, the rest base
  RowBlocks(int64_t total, int max)
      : count((total + max - 1) / max), base(total / count), extra(total - base * count) {}
  template <class F>
  void for_each(const F& f) const {
    for (int64_t b = 0, i0 = 0; b < count; ++b) {
      const int rows = static_cast<int>(base + (b < extra));
      f(i0, rows);
      i0 += rows;
    }
  }
};

// C[i0 : i0+R, j0 : j0+NV*kW] (the last vector masked by `tail` if kMasked) by outer products.
// `b` points at B's row 0 of this column panel. A(i, k) is a[i*lda + k], or a[k*lda + i] if kTransA.
template <class I, bool kTransA, int R, int NV, bool kMasked>
void outer_tile(const Args& g, const float* b, int64_t ldb, int64_t i0, int64_t j0, typename I::Mask tail) {
  using V = typename I::V;
  V acc[R][NV];
#pragma GCC unroll 64
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = I::zero();
  const float* a = g.a + (kTransA ? i0 : i0 * g.lda);
  for (int64_t k = 0; k < g.k; ++k, b += ldb) {
    V bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v)
      bv[v] = kMasked && v + 1 == NV ? I::load(b + v * I::kW, tail) : I::load(b + v * I::kW);
#pragma GCC unroll 64
    for (int r = 0; r < R; ++r) {
      const V ar = I::broadcast(kTransA ? a + k * g.lda + r : a + r * g.lda + k);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[r][v] = I::fma(ar, bv[v], acc[r][v]);
    }
  }
  const V alpha = I::set1(g.alpha), beta = I::set1(g.beta);
#pragma GCC unroll 64
  for (int r = 0; r < R; ++r) {
    float* c = g.c + (i0 + r) * g.ldc + j0;
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      float* cv = c + v * I::kW;
      V x = I::mul(alpha, acc[r][v]);
      if (kMasked && v + 1 == NV) {
        if (g.beta != 0) x = I::fma(beta, I::load(cv, tail), x);
        I::store(cv, x, tail);
      } else {
        if (g.beta != 0) x = I::fma(beta, I::load(cv), x);
        I::store(cv, x);
      }
    }
  }
}

// Columns [j0, j0 + width) of C, width <= kVecs * kW, by outer products; `b` as in outer_tile.
template <class I, bool kTransA>
void outer_panel(const Args& g, const RowBlocks& blocks, const float* b, int64_t ldb, int64_t j0,
                 int64_t width) {
  const int nv = static_cast<int>((width + I::kW - 1) / I::kW);
  const typename I::Mask tail = I::mask(width - (nv - 1) * I::kW);
  blocks.for_each([&](int64_t i0, int rows) {
    with_constant<I::kRows>(rows, [&]<int R>() {
      with_constant<I::kVecs>(nv, [&]<int NV>() {
        if (I::kFreeMask || width % I::kW != 0)
          return outer_tile<I, kTransA, R, NV, true>(g, b, ldb, i0, j0, tail);
        if constexpr (!I::kFreeMask) outer_tile<I, kTransA, R, NV, false>(g, b, ldb, i0, j0, tail);
      });
    });
  });
}

// Rows r of x become its columns.
inline void transpose8(__m256 (&x)[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(x[i], x[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(x[i], x[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
  for (int i = 0; i < 4; ++i) {
    x[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
    x[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
  }
}

// dst[k * ld_dst + j] = src[j * ld_src + k] for j < rows, k < cols, in 8 x 8 AVX blocks; dst's
// columns from `rows` up to the next multiple of 8 receive zeros.
inline void pack_transposed(const float* src, int64_t ld_src, int64_t rows, int64_t cols, float* dst,
                            int64_t ld_dst) {
  for (int64_t k = 0; k < cols; k += 8) {
    const __m256i lanes =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<int64_t>(cols - k, 8))),
                           _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int64_t j = 0; j < rows; j += 8) {
      __m256 x[8];
      for (int i = 0; i < 8; ++i)
        x[i] = j + i < rows ? _mm256_maskload_ps(src + (j + i) * ld_src + k, lanes) : _mm256_setzero_ps();
      transpose8(x);
      for (int i = 0; i < 8 && k + i < cols; ++i) _mm256_storeu_ps(dst + (k + i) * ld_dst + j, x[i]);
    }
  }
}

// Outer products, one column panel of C at a time. B stored [N, K] (pack_b) is first copied
// transposed, a panel and a K chunk at a time, into a buffer that stays in L1; chunks after the
// first add to C.
template <class I, bool kTransA>
void outer_gemm(const Args& g, bool pack_b) {
  constexpr int64_t kPanel = I::kVecs * I::kW, kChunk = 4096 / kPanel;
  alignas(64) float packed[kChunk * kPanel];
  const int64_t chunk = pack_b ? kChunk : std::max<int64_t>(g.k, 1);
  const RowBlocks blocks(g.m, I::kRows);
  for (int64_t j0 = 0; j0 < g.n; j0 += kPanel) {
    const int64_t width = std::min(kPanel, g.n - j0);
    for (int64_t k0 = 0; k0 < g.k; k0 += chunk) {
      Args part = g;
      part.k = std::min(chunk, g.k - k0);
      part.a += kTransA ? k0 * g.lda : k0;
      if (k0 > 0) part.beta = 1;
      const float* b = g.b + j0;
      int64_t ldb = g.ldb;
      if (pack_b) {
        pack_transposed(g.b + j0 * g.ldb + k0, g.ldb, width, part.k, packed, kPanel);
        b = packed;
        ldb = kPanel;
      }
      outer_panel<I, kTransA>(part, blocks, b, ldb, j0, width);
    }
  }
}

// acc[r][c] += a[r][k : k+kW] · b[c][k : k+kW] (masked by `m...` if given).
template <class I, int R, int C, class... M>
void dot_step(typename I::V (&acc)[R][C], const float* const (&a)[R], const float* const (&b)[C], int64_t k,
              const M&... m) {
  typename I::V av[R];
#pragma GCC unroll 64
  for (int r = 0; r < R; ++r) av[r] = I::load(a[r] + k, m...);
#pragma GCC unroll 8
  for (int c = 0; c < C; ++c) {
    const typename I::V bv = I::load(b[c] + k, m...);
#pragma GCC unroll 64
    for (int r = 0; r < R; ++r) acc[r][c] = I::fma(av[r], bv, acc[r][c]);
  }
}

// Lane c holds the sum of x[c]'s lanes.
inline __m128 sum4(const __m256 (&x)[4]) {
  const __m256 s = _mm256_hadd_ps(_mm256_hadd_ps(x[0], x[1]), _mm256_hadd_ps(x[2], x[3]));
  return _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
}

// C[i0 : i0+R, j0 : j0+C] = dot products of A's rows and B's rows (NT).
template <class I, int R, int C>
void dot_tile(const Args& g, int64_t i0, int64_t j0) {
  static_assert(C <= 4, "the reduction packs C sums into one SSE register");
  using V = typename I::V;
  V acc[R][C];
#pragma GCC unroll 64
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) acc[r][c] = I::zero();
  const float* a[R];
  const float* b[C];
#pragma GCC unroll 64
  for (int r = 0; r < R; ++r) a[r] = g.a + (i0 + r) * g.lda;
#pragma GCC unroll 8
  for (int c = 0; c < C; ++c) b[c] = g.b + (j0 + c) * g.ldb;
  int64_t k = 0;
  for (; k + I::kW <= g.k; k += I::kW) dot_step<I, R, C>(acc, a, b, k);
  if (k < g.k) dot_step<I, R, C>(acc, a, b, k, I::mask(g.k - k));
  const __m128i lanes = _mm_cmpgt_epi32(_mm_set1_epi32(C), _mm_setr_epi32(0, 1, 2, 3));
#pragma GCC unroll 64
  for (int r = 0; r < R; ++r) {
    __m256 folded[4];
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) folded[c] = c < C ? I::fold256(acc[r][c < C ? c : 0]) : _mm256_setzero_ps();
    __m128 x = _mm_mul_ps(_mm_set1_ps(g.alpha), sum4(folded));
    float* out = g.c + (i0 + r) * g.ldc + j0;
    if (g.beta != 0) x = _mm_fmadd_ps(_mm_set1_ps(g.beta), _mm_maskload_ps(out, lanes), x);
    _mm_maskstore_ps(out, lanes, x);
  }
}

// Column blocks outside, so the kDotCols rows of B stay in L1 while every row block passes.
template <class I>
void dot_gemm(const Args& g) {
  const RowBlocks blocks(g.m, I::kDotRows);
  for (int64_t j0 = 0; j0 < g.n; j0 += I::kDotCols) {
    const int cols = static_cast<int>(std::min<int64_t>(I::kDotCols, g.n - j0));
    blocks.for_each([&](int64_t i0, int rows) {
      with_constant<I::kDotRows>(rows, [&]<int R>() {
        with_constant<I::kDotCols>(cols, [&]<int C>() { dot_tile<I, R, C>(g, i0, j0); });
      });
    });
  }
}

// NT runs as dot products while A has at most two row blocks and K is long enough to amortise
// each output's horizontal reduction; otherwise copying Bᵀ (one read and write per element of
// B, shared by all rows) is cheaper. Measured (AVX-512, single thread): M = 1 switches at K ~ 32,
// M = 10 at K ~ 100, and M = 16 is faster copied even at K = 512.
template <class I>
bool use_dot(const Args& g) {
  return g.m <= 2 * I::kDotRows && g.k >= 8 * g.m + 24;
}

template <class I>
void run_on(const Args& g, bool ta, bool tb) {
  if (tb && !ta && use_dot<I>(g)) return dot_gemm<I>(g);
  return ta ? outer_gemm<I, true>(g, tb) : outer_gemm<I, false>(g, tb);
}

[[gnu::flatten]] void run_avx2(const Args& g, bool ta, bool tb) { run_on<Avx2>(g, ta, tb); }
[[gnu::flatten, NABLA_TARGET_AVX512]] void run_avx512(const Args& g, bool ta, bool tb) { run_on<Avx512>(g, ta, tb); }

// C = beta * C when the product vanishes (k = 0 or alpha = 0); like BLAS, A and B are not read.
void scale(const Args& g) {
  for (int64_t i = 0; i < g.m; ++i) {
    float* c = g.c + i * g.ldc;
    for (int64_t j = 0; j < g.n; ++j) c[j] = g.beta == 0 ? 0.f : g.beta * c[j];
  }
}

void run(SimdIsa isa, Args g, bool ta, bool tb) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0 || g.alpha == 0) return scale(g);
  // A single row of op(A) or column of op(B) that is contiguous is the same vector whether the
  // operand counts as transposed or not; take the flag that suits the kernels.
  if (g.m == 1 && ta && g.lda == 1) ta = false, g.lda = g.k;
  if (g.n == 1 && !tb && g.ldb == 1) tb = true, g.ldb = g.k;
  // One output column (a matrix-vector product) would fill one lane per vector. Its transpose
  // Cᵀ = op(B)ᵀ op(A)ᵀ has one output row instead, which vectorises along M.
  if (g.n == 1 && g.m > 1 && g.ldc == 1 && tb) {
    g = {1, g.m, g.k, g.alpha, g.beta, g.b, g.k, g.a, g.lda, g.c, g.m};
    tb = !ta;
    ta = false;
  }
  isa == SimdIsa::kAvx512 ? run_avx512(g, ta, tb) : run_avx2(g, ta, tb);
}

}  // namespace

void small_sgemm(SimdIsa isa, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  NABLA_CHECK(cpu_supports(isa), "small_sgemm", "this CPU lacks the requested instruction set");
  const Args g{m, n, k, alpha, beta, a, lda, b, ldb, c, ldc};
  run(isa, g, ta, tb);
}

void small_sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  const Args g{m, n, k, alpha, beta, a, lda, b, ldb, c, ldc};
  run(best_simd_isa(), g, ta, tb);
}

}  // namespace nabla::detail
