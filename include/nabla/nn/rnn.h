#pragma once
// Recurrent layers: nn::RNN, nn::LSTM and nn::GRU, with PyTorch 1.13's options, shapes,
// parameter names and equations, so a PyTorch state_dict loads and gives the same outputs
// and gradients. With x_t the input at step t and h_{t-1} the previous hidden state:
//
//   RNN    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)          (or relu)
//
//   LSTM   i = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)               gates in the order
//          f = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)               i, f, g, o: rows
//          g = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)            [0, H) of weight_ih
//          o = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)               are i's, and so on
//          c_t = f ⊙ c_{t-1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
//          with proj_size > 0: h_t = W_hr (o ⊙ tanh(c_t)), of size proj_size (c_t is not
//          projected), and weight_hh has proj_size columns
//
//   GRU    r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)               gates in the order
//          z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)               r, z, n
//          n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))
//          h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
//
// The GRU is PyTorch's (and cuDNN's) variant, which differs from the one in the seed slides
// (Cho et al. 2014, as drawn in Olah's "Understanding LSTMs"):
//   - the reset gate multiplies W_hn h_{t-1} + b_hn, after the product; the slides' form
//     h̃ = tanh(W · [r ⊙ h_{t-1}, x_t]) resets h_{t-1} before it;
//   - z keeps the old state: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}, where the slides write
//     h_t = (1 - z) ⊙ h_{t-1} + z ⊙ h̃ (z takes the new candidate), so a slide model's z
//     corresponds to PyTorch's 1 - z;
//   - the slides have no biases and one weight over the concatenation [h_{t-1}, x_t]; here
//     the input and hidden parts are separate matrices, each with its own bias.
// The two are different functions (not a re-parametrisation of each other, because of the
// reset), so weights cannot be moved between them.
//
// Shapes (T steps, B sequences, D = 2 if bidirectional else 1, H_out = proj_size or hidden):
//   input [T, B, input_size], or [B, T, input_size] with batch_first, or unbatched [T, input_size]
//   h_0 [D * num_layers, B, H_out] (unbatched: [D * num_layers, H_out]); zeros when undefined
//   c_0 [D * num_layers, B, hidden_size] (LSTM)
//   output [T, B, D * H_out] (batch_first: [B, T, D * H_out]); h_n like h_0; c_n like c_0
// batch_first applies to the input and output only, never to the states. Layer l > 0 takes
// layer l-1's output (both directions concatenated), after dropout in training mode.
// States are laid out layer by layer, forward direction first: h_n[2 * l + 1] is layer l's
// reverse direction. Parameters are named weight_ih_l{l}, weight_hh_l{l}, bias_ih_l{l},
// bias_hh_l{l} and weight_hr_l{l} (proj_size), with the suffix _reverse for the reverse
// direction, and initialised uniform in ±1/sqrt(hidden_size), as PyTorch does.
//
// Variable-length batches: `lengths` (one per sequence, at most T) gives the same results as
// PyTorch's pack_padded_sequence -> layer -> pad_packed_sequence(total_length=T): the steps
// t >= lengths[b] of sequence b are padding, so their output is zero and gets no gradient,
// they do not change the state, h_n (c_n) is the state after the sequence's last real step,
// and the reverse direction starts at that last real step. The sequences need not be sorted.
//
// Truncated back-propagation through time: run a long sequence in chunks and carry the
// state across them with detach(), so each backward stops at its chunk's start:
//
//   nn::LSTM lstm({.input_size = 1, .hidden_size = 64, .batch_first = true});
//   nn::LSTMState state;                                    // zeros for the first chunk
//   for (int64_t s = 0; s < series.size(1); s += 50) {      // series [B, L, 1]
//     const Tensor chunk = series.narrow(1, s, std::min<int64_t>(50, series.size(1) - s));
//     auto [out, h_n, c_n] = lstm(chunk, state);
//     Tensor loss = ...;                                    // from out
//     optimizer.zero_grad();
//     loss.backward();
//     optimizer.step();
//     state = {h_n.detach(), c_n.detach()};                 // carry the values, not the graph
//   }
//
// Speed: each layer and direction is one autograd node. The input projection of all steps is
// one GEMM, each step one GEMM for the recurrent part (and one for the LSTM projection) and
// one fused loop for the gates and the state update; backward runs one fused loop and one
// GEMM per step and computes the weight gradients with one GEMM each over all steps.
// Double backward (create_graph) recomputes the layer with differentiable ops.
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/nn/module.h"

namespace nabla::nn {

struct RNNOptions {
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 1;
  std::string nonlinearity = "tanh";  // or "relu"
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;  // on the outputs of every layer but the last, in training mode
  bool bidirectional = false;
  DType dtype = kFloat32;
};

struct LSTMOptions {
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;
  bool bidirectional = false;
  int64_t proj_size = 0;  // > 0: h is projected to this size (must be below hidden_size)
  DType dtype = kFloat32;
};

struct GRUOptions {
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;
  bool bidirectional = false;
  DType dtype = kFloat32;
};

// What RNN and GRU return, PyTorch's (output, h_n): auto [output, h_n] = gru(x);
struct RNNOutput {
  Tensor output;
  Tensor h_n;
};

// An LSTM's (h, c) state: the (h_0, c_0) argument of LSTM, and LSTMCell's state and result.
// Undefined members are zeros.
struct LSTMState {
  Tensor h;
  Tensor c;
};

// What LSTM returns, PyTorch's (output, (h_n, c_n)) flattened: auto [output, h_n, c_n] = lstm(x);
struct LSTMOutput {
  Tensor output;
  Tensor h_n;
  Tensor c_n;
};

// The mode of a recurrent layer, PyTorch's RNNBase.mode.
enum class RNNMode { RNN_TANH, RNN_RELU, LSTM, GRU };

// The options every recurrent layer has, in one place for RNNBase.
struct RNNBaseOptions {
  RNNMode mode = RNNMode::LSTM;
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;
  bool bidirectional = false;
  int64_t proj_size = 0;
  DType dtype = kFloat32;
};

// The parameters of one direction of one layer (undefined when the options leave them out).
struct RNNDirectionWeights {
  Tensor w_ih, w_hh, b_ih, b_hh, w_hr;
};

// The common part of RNN, LSTM and GRU: parameters, checks, and the layer stack.
class RNNBase : public Module {
 public:
  std::string extra_repr() const override;
  // PyTorch's all_weights: per layer and direction, [weight_ih, weight_hh, bias_ih, bias_hh,
  // weight_hr], leaving out the ones the options do not create.
  std::vector<std::vector<Tensor>> all_weights() const;

 protected:
  explicit RNNBase(RNNBaseOptions options);
  // Runs the stack; c0 is used (and c_n returned) by the LSTM only.
  LSTMOutput run(const Tensor& input, const Tensor& h0, const Tensor& c0, const std::vector<int64_t>& lengths,
                 const char* op);

 private:
  RNNBaseOptions base_;
  std::vector<RNNDirectionWeights> weights_;  // layer-major, forward direction first
};

class RNN : public RNNBase {
 public:
  explicit RNN(RNNOptions options);
  RNNOutput forward(const Tensor& input, const Tensor& h0 = {}, const std::vector<int64_t>& lengths = {});
  RNNOutput operator()(const Tensor& input, const Tensor& h0 = {}, const std::vector<int64_t>& lengths = {}) {
    return forward(input, h0, lengths);
  }
  std::string type_name() const override { return "RNN"; }

  RNNOptions options;
};

class LSTM : public RNNBase {
 public:
  explicit LSTM(LSTMOptions options);
  LSTMOutput forward(const Tensor& input, const LSTMState& state = {},
                     const std::vector<int64_t>& lengths = {});
  LSTMOutput operator()(const Tensor& input, const LSTMState& state = {},
                        const std::vector<int64_t>& lengths = {}) {
    return forward(input, state, lengths);
  }
  std::string type_name() const override { return "LSTM"; }

  LSTMOptions options;
};

class GRU : public RNNBase {
 public:
  explicit GRU(GRUOptions options);
  RNNOutput forward(const Tensor& input, const Tensor& h0 = {}, const std::vector<int64_t>& lengths = {});
  RNNOutput operator()(const Tensor& input, const Tensor& h0 = {}, const std::vector<int64_t>& lengths = {}) {
    return forward(input, h0, lengths);
  }
  std::string type_name() const override { return "GRU"; }

  GRUOptions options;
};

}  // namespace nabla::nn
