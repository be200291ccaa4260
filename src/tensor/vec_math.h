#pragma once
// Branch-free float32 exp / sigmoid / tanh that GCC vectorises inside plain loops
// (libm's scalar calls cost 4x on an LSTM step; the build's -fno-trapping-math lets GCC
// turn the selects into blends). Accuracy: a few ulp; NaN propagates.
// Double precision uses libm: it serves gradient checks, not speed.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace nabla::vec {

inline float exp(float x) {
  const float hi = 88.72283935546875f, lo = -87.33654475f;
  // Written so that a NaN x falls through both selects (comparisons with NaN are false).
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  // n = round(x / ln 2) via the 1.5 * 2^23 trick, which also yields n as an integer.
  const float t = xc * 1.44269504088896341f + 12582912.0f;
  const int32_t n = std::bit_cast<int32_t>(t) - 0x4B400000;
  const float nf = t - 12582912.0f;
  const float r = xc - nf * 0.693359375f + nf * 2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.0f;
  // 2^n built in two halves so n = 128 (x near hi) does not overflow the exponent field.
  const int32_t n1 = n >> 1;
  const float half = std::bit_cast<float>((n1 + 127) << 23);
  const float rest = std::bit_cast<float>((n - n1 + 127) << 23);
  float y = p * half * rest;
  y = x > hi ? std::numeric_limits<float>::infinity() : y;
  return x < lo ? 0.0f : y;
}
inline double exp(double x) { return std::exp(x); }

inline float sigmoid(float x) { return 1.0f / (1.0f + vec::exp(-x)); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

inline float tanh(float x) {
  const float ax = x < 0 ? -x : x;
  // Small |x|: Cephes' odd polynomial (the exp form cancels badly near 0).
  const float z = x * x;
  float p = -5.70498872745E-3f;
  p = p * z + 2.06390887954E-2f;
  p = p * z - 5.37397155531E-2f;
  p = p * z + 1.33314422036E-1f;
  p = p * z - 3.33332819422E-1f;
  const float small = p * z * x + x;
  // The clamp must stay above ~9.02, where tanh first rounds to 1.0f, so large |x| saturates exactly.
  const float e = vec::exp(2.0f * (ax > 10.0f ? 10.0f : ax));
  float large = 1.0f - 2.0f / (e + 1.0f);
  large = x < 0 ? -large : large;
  return ax < 0.625f ? small : large;
}
inline double tanh(double x) { return std::tanh(x); }

}  // namespace nabla::vec
