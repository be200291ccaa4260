#pragma once
// One recurrent layer over a whole sequence, all its directions at once: what RNN, LSTM and
// GRU stack and what the cells run for a single step.
#include <cstdint>
#include <vector>

#include "nabla/nn/rnn.h"

namespace nabla::nn::internal {

struct LayerSpec {
  RNNMode mode = RNNMode::LSTM;
  bool batch_first = false;      // input and output are [B, T, *] instead of [T, B, *]
  std::vector<int64_t> lengths;  // real steps of each sequence; empty: all T
};

struct LayerResult {
  Tensor output;  // [T, B, D * P] (batch_first: [B, T, D * P])
  Tensor h_n;     // [D, B, P]
  Tensor c_n;     // [D, B, H], LSTM only
};

// Gate blocks in weight_ih's rows: 4 (LSTM), 3 (GRU), 1 (RNN).
int64_t gate_count(RNNMode mode);

// A state argument must be undefined or exactly `expected` in shape and of `dtype`.
void check_state(const Tensor& s, const Shape& expected, DType dtype, const char* what, const char* op);

// `weights` has one entry per direction (forward first). input [T, B, I] (or [B, T, I]);
// h0 [D, B, P] and c0 [D, B, H] may be undefined (zeros). Shapes are checked by the caller.
// With P = proj_size or H. Fused kernels; one autograd node for the layer.
LayerResult recurrent_layer(const LayerSpec& spec, const Tensor& input, const Tensor& h0, const Tensor& c0,
                            const std::vector<RNNDirectionWeights>& weights);

// The same function written with differentiable ops, step by step: what double backward
// differentiates (see src/autograd/recompute.h).
LayerResult composed_layer(const LayerSpec& spec, const Tensor& input, const Tensor& h0, const Tensor& c0,
                           const std::vector<RNNDirectionWeights>& weights);

}  // namespace nabla::nn::internal
