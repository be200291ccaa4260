#pragma once
// One step of a recurrent layer, for hand-written loops over time (autoregressive
// generation, per-step formulas): RNNCell, LSTMCell and GRUCell, with PyTorch's equations,
// parameter names (weight_ih, weight_hh, bias_ih, bias_hh), gate orders and initialisation;
// see nabla/nn/rnn.h for the equations and how this GRU differs from the seed slides'.
//
//   nn::LSTMCell cell({.input_size = 1, .hidden_size = 32});
//   nn::LSTMState s;                                  // zeros
//   for (int64_t t = 0; t < x.size(1); ++t) s = cell(x.select(1, t), s);   // x [B, T, 1]
//
// Input [B, input_size] or unbatched [input_size]; states [B, hidden_size] or [hidden_size].
#include <cstdint>
#include <string>

#include "nabla/nn/rnn.h"

namespace nabla::nn {

struct RNNCellOptions {
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  bool bias = true;
  std::string nonlinearity = "tanh";  // or "relu"
  DType dtype = kFloat32;
};

struct LSTMCellOptions {
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  bool bias = true;
  DType dtype = kFloat32;
};

struct GRUCellOptions {
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  bool bias = true;
  DType dtype = kFloat32;
};

// The common part of the cells: parameters, checks and the step itself.
class RNNCellBase : public Module {
 public:
  std::string extra_repr() const override;

  Tensor weight_ih;  // [gates * hidden_size, input_size]
  Tensor weight_hh;  // [gates * hidden_size, hidden_size]
  Tensor bias_ih;    // [gates * hidden_size]; undefined without bias
  Tensor bias_hh;

 protected:
  RNNCellBase(RNNMode mode, int64_t input_size, int64_t hidden_size, bool bias, DType dtype);
  // The new state (c only for the LSTM).
  LSTMState step(const Tensor& input, const LSTMState& state, const char* op) const;

 private:
  RNNMode mode_;
  int64_t input_size_, hidden_size_;
};

class RNNCell : public RNNCellBase {
 public:
  explicit RNNCell(RNNCellOptions options);
  Tensor forward(const Tensor& input, const Tensor& hx = {});
  Tensor operator()(const Tensor& input, const Tensor& hx = {}) { return forward(input, hx); }
  std::string type_name() const override { return "RNNCell"; }
  std::string extra_repr() const override;

  RNNCellOptions options;
};

class LSTMCell : public RNNCellBase {
 public:
  explicit LSTMCell(LSTMCellOptions options);
  // The new (h, c): auto [h, c] = cell(x, {h, c});
  LSTMState forward(const Tensor& input, const LSTMState& state = {});
  LSTMState operator()(const Tensor& input, const LSTMState& state = {}) { return forward(input, state); }
  std::string type_name() const override { return "LSTMCell"; }

  LSTMCellOptions options;
};

class GRUCell : public RNNCellBase {
 public:
  explicit GRUCell(GRUCellOptions options);
  Tensor forward(const Tensor& input, const Tensor& hx = {});
  Tensor operator()(const Tensor& input, const Tensor& hx = {}) { return forward(input, hx); }
  std::string type_name() const override { return "GRUCell"; }

  GRUCellOptions options;
};

}  // namespace nabla::nn
