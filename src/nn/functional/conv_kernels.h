#pragma once
// The three products of a 2-D convolution, on contiguous NCHW buffers. Everything the
// convolution ops need from an implementation is here, so a direct or oneDNN convolution can
// replace this one (im2col / col2im around the library's GEMM) without touching the ops.
#include <cstdint>

namespace nabla::nn::internal {

// A convolution of x [n, c, h, w] with a weight [o, c / groups, kh, kw] giving y [n, o, oh, ow]:
// y[n, o, i, j] = Σ x[n, c, i sh - ph + p dh, j sw - pw + q dw] w[o, c, p, q] over the channels
// c of o's group and the kernel positions (p, q), reading zeros outside x. The padding at the
// end of each dim is whatever oh and ow imply.
struct ConvGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;
  int64_t o = 0, kh = 0, kw = 0;
  int64_t oh = 0, ow = 0;
  int64_t sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
  int64_t groups = 1;
};

// y = conv(x, weight) + bias (bias may be null).
template <class T>
void conv_forward(const ConvGeometry& g, const T* x, const T* weight, const T* bias, T* y);
// The input gradient given the output gradient gy: gx = Σ gy · weight over every output the
// input element reached, plus bias [c] (may be null). This is also the transposed convolution.
template <class T>
void conv_input_grad(const ConvGeometry& g, const T* gy, const T* weight, const T* bias, T* gx);
// The weight gradient given the input and the output gradient: gw = Σ gy · x.
template <class T>
void conv_weight_grad(const ConvGeometry& g, const T* x, const T* gy, T* gw);
// The bias gradient, Σ gy over the batch and the positions: gb [channels] from gy [n, channels, positions].
template <class T>
void bias_grad(int64_t n, int64_t channels, int64_t positions, const T* gy, T* gb);

}  // namespace nabla::nn::internal
