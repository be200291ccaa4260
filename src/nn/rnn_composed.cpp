// A recurrent layer written with differentiable ops, one step at a time: the function that
// double backward differentiates (the fused node's rule runs it under create_graph).
#include "nabla/tensor/factory.h"
#include "nabla/tensor/linalg.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/shape_ops.h"
#include "src/nn/rnn_layer.h"

namespace nabla::nn::internal {
namespace {

// One step: the new (h, c) from the input projection gx = x_t·W_ihᵀ + b_ih.
LSTMState cell_step(RNNMode mode, const Tensor& gx, const LSTMState& state, const RNNDirectionWeights& w) {
  const Tensor gh = linear(state.h, w.w_hh, w.b_hh);
  switch (mode) {
    case RNNMode::RNN_TANH:
      return {tanh(gx + gh), {}};
    case RNNMode::RNN_RELU:
      return {relu(gx + gh), {}};
    case RNNMode::LSTM: {
      const std::vector<Tensor> g = chunk(gx + gh, 4, 1);  // i, f, g, o
      const Tensor c = sigmoid(g[1]) * state.c + sigmoid(g[0]) * tanh(g[2]);
      const Tensor h = sigmoid(g[3]) * tanh(c);
      return {w.w_hr.defined() ? linear(h, w.w_hr, {}) : h, c};
    }
    case RNNMode::GRU: {
      const std::vector<Tensor> x = chunk(gx, 3, 1), h = chunk(gh, 3, 1);  // r, z, n
      const Tensor r = sigmoid(x[0] + h[0]);
      const Tensor z = sigmoid(x[1] + h[1]);
      const Tensor n = tanh(x[2] + r * h[2]);
      return {(1.0 - z) * n + z * state.h, {}};
    }
  }
  return {};
}

// [B, 1] true where step t is real.
Tensor real_rows(const std::vector<int64_t>& lengths, int64_t t) {
  Tensor m = empty({static_cast<int64_t>(lengths.size()), 1}, {.dtype = kBool});
  bool* p = m.data_ptr<bool>();
  for (size_t b = 0; b < lengths.size(); ++b) p[b] = t < lengths[b];
  return m;
}

}  // namespace

LayerResult composed_layer(const LayerSpec& spec, const Tensor& input, const Tensor& h0, const Tensor& c0,
                           const std::vector<RNNDirectionWeights>& weights) {
  const Tensor x = spec.batch_first ? input.transpose(0, 1) : input;  // [T, B, I]
  const int64_t T = x.size(0), B = x.size(1);
  const int64_t P = weights[0].w_hh.size(1);
  const int64_t H = spec.mode == RNNMode::LSTM ? weights[0].w_hh.size(0) / 4 : P;
  const TensorOptions opts{.dtype = input.dtype()};
  std::vector<Tensor> outputs, hs, cs;
  for (size_t dir = 0; dir < weights.size(); ++dir) {
    const RNNDirectionWeights& w = weights[dir];
    LSTMState state{h0.defined() ? h0.select(0, dir) : zeros({B, P}, opts),
                    spec.mode != RNNMode::LSTM ? Tensor()
                    : c0.defined()             ? c0.select(0, dir)
                                               : zeros({B, H}, opts)};
    const Tensor gx = linear(x, w.w_ih, w.b_ih);
    std::vector<Tensor> out(static_cast<size_t>(T));
    for (int64_t s = 0; s < T; ++s) {
      const int64_t t = dir ? T - 1 - s : s;
      LSTMState next = cell_step(spec.mode, gx.select(0, t), state, w);
      if (!spec.lengths.empty()) {
        // Padded steps keep the state and output zeros.
        const Tensor real = real_rows(spec.lengths, t);
        next.h = where(real, next.h, state.h);
        if (next.c.defined()) next.c = where(real, next.c, state.c);
        out[t] = where(real, next.h, 0.0);
      } else {
        out[t] = next.h;
      }
      state = next;
    }
    outputs.push_back(stack(out, 0));
    hs.push_back(state.h);
    cs.push_back(state.c);
  }
  Tensor output = outputs.size() == 1 ? outputs[0] : cat(outputs, 2);
  if (spec.batch_first) output = output.transpose(0, 1);
  return {output, stack(hs, 0), spec.mode == RNNMode::LSTM ? stack(cs, 0) : Tensor()};
}

}  // namespace nabla::nn::internal
