#include "nabla/timeseries/recurrent_regressor.h"

#include <type_traits>

namespace nabla::timeseries {
namespace {

// The options the three layers share, copied into one layer's options.
template <class LayerOptions>
LayerOptions layer_options(const RecurrentRegressorOptions& o) {
  LayerOptions layer;
  layer.input_size = o.input_size;
  layer.hidden_size = o.hidden_size;
  layer.num_layers = o.num_layers;
  layer.batch_first = o.batch_first;
  layer.dropout = o.dropout;
  layer.dtype = o.dtype;
  return layer;
}

std::variant<nn::RNN, nn::LSTM, nn::GRU> make_rnn(const RecurrentRegressorOptions& o) {
  NABLA_CHECK(o.output_size > 0, "RecurrentRegressor", "output_size must be positive, got ", o.output_size);
  switch (o.mode) {
    case nn::RNNMode::RNN_TANH:
    case nn::RNNMode::RNN_RELU: {
      nn::RNNOptions rnn = layer_options<nn::RNNOptions>(o);
      rnn.nonlinearity = o.mode == nn::RNNMode::RNN_RELU ? "relu" : "tanh";
      return nn::RNN(rnn);
    }
    case nn::RNNMode::LSTM:
      return nn::LSTM(layer_options<nn::LSTMOptions>(o));
    case nn::RNNMode::GRU:
      return nn::GRU(layer_options<nn::GRUOptions>(o));
  }
  nabla::detail::fail("RecurrentRegressor", "unknown mode ", static_cast<int>(o.mode));
}

}  // namespace

RecurrentRegressor::RecurrentRegressor(RecurrentRegressorOptions o)
    : rnn_(make_rnn(o)),
      options(o),
      linear({.in_features = o.hidden_size, .out_features = o.output_size, .dtype = o.dtype}) {
  register_module("rnn",
                  [](nn::Module& m) -> nn::Module& { return static_cast<RecurrentRegressor&>(m).rnn(); });
  register_module("linear", &RecurrentRegressor::linear);
}

nn::RNNBase& RecurrentRegressor::rnn() {
  return std::visit([](auto& layer) -> nn::RNNBase& { return layer; }, rnn_);
}

nn::LSTMOutput RecurrentRegressor::run(const Tensor& x, const nn::LSTMState& state) {
  return std::visit(
      [&](auto& layer) -> nn::LSTMOutput {
        if constexpr (std::is_same_v<std::decay_t<decltype(layer)>, nn::LSTM>) {
          return layer(x, state);
        } else {
          auto [output, h_n] = layer(x, state.h);
          return {.output = output, .h_n = h_n, .c_n = {}};
        }
      },
      rnn_);
}

Tensor RecurrentRegressor::forward(const Tensor& x) {
  const Tensor h_n = run(x, {}).h_n;  // [num_layers, B, hidden] (unbatched: [num_layers, hidden])
  return linear(h_n.select(0, options.num_layers - 1));
}

RecurrentOutput RecurrentRegressor::forward_sequence(const Tensor& x, const nn::LSTMState& state) {
  const nn::LSTMOutput out = run(x, state);
  return {.output = linear(out.output), .state = {.h = out.h_n, .c = out.c_n}};
}

}  // namespace nabla::timeseries
