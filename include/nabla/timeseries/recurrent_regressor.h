#pragma once
// RecurrentRegressor: a recurrent layer (nn::RNN, nn::LSTM or nn::GRU) and a linear read-out,
// the model of the seeds' recurrent examples, h(t) = f(h(t-1), x(t)), ŷ(t) = V h(t) + c. It
// is used two ways:
//
//   // A window model: the read-out of the state after the window's last step.
//   timeseries::RecurrentRegressor rnn({.mode = nn::RNNMode::RNN_TANH, .hidden_size = 4});
//   Tensor next = rnn(windows);                       // [B, lags, 1] -> [B, 1]
//
//   // A sequence model: the read-out at every step, with the state carried between calls.
//   timeseries::RecurrentRegressor lstm({.input_size = 1, .hidden_size = 16});
//   auto [y_hat, state] = lstm.forward_sequence(u);   // u [B, T, 1] -> y_hat [B, T, 1]
//
// Parameters are named rnn.* (the recurrent layer's PyTorch names: rnn.weight_ih_l0, ...) and
// linear.weight, linear.bias, and drawn in that order as PyTorch initialises the layers.
#include <cstdint>
#include <string>
#include <variant>

#include "nabla/nn/linear.h"
#include "nabla/nn/rnn.h"
#include "nabla/nn/unary_module.h"

namespace nabla::timeseries {

struct RecurrentRegressorOptions {
  nn::RNNMode mode = nn::RNNMode::LSTM;  // RNN_TANH, RNN_RELU, LSTM or GRU
  int64_t input_size = 1;
  int64_t hidden_size = 16;
  int64_t num_layers = 1;
  int64_t output_size = 1;
  bool batch_first = true;  // inputs [B, T, input_size] (else [T, B, input_size]); states never
  double dropout = 0;       // between stacked layers, in training mode
  DType dtype = kFloat32;
};

// What forward_sequence returns: the read-out at every step, in the input's layout ([B, T,
// output_size] or [T, B, output_size]), and the state after the last step (c for the LSTM only).
struct RecurrentOutput {
  Tensor output{};
  nn::LSTMState state{};
};

class RecurrentRegressor : public nn::UnaryModule {
  // First, so it is built before `linear`: PyTorch draws the recurrent layer's weights first.
  std::variant<nn::RNN, nn::LSTM, nn::GRU> rnn_;

 public:
  explicit RecurrentRegressor(RecurrentRegressorOptions options);

  // The read-out of the top layer's final state: [B, output_size] (unbatched [T, input_size]
  // gives [output_size]), starting from zero states.
  Tensor forward(const Tensor& x) override;
  // The read-out at every step, from `state` (zeros where undefined; h [num_layers, B,
  // hidden_size], and c for the LSTM), and the state after the last step.
  RecurrentOutput forward_sequence(const Tensor& x, const nn::LSTMState& state = {});

  // The recurrent layer (its all_weights() for custom initialisation).
  nn::RNNBase& rnn();
  std::string type_name() const override { return "RecurrentRegressor"; }

  RecurrentRegressorOptions options;
  nn::Linear linear;

 private:
  nn::LSTMOutput run(const Tensor& x, const nn::LSTMState& state);
};

}  // namespace nabla::timeseries
