// RecurrentRegressor: names, the window and sequence forms, carried states, gradients, seeds.
#include "nabla/timeseries/recurrent_regressor.h"

#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;

TEST(RecurrentRegressor, ParametersArePyTorchNamedRnnAndLinear) {
  RecurrentRegressor rnn({.mode = nn::RNNMode::RNN_TANH, .input_size = 1, .hidden_size = 4});
  std::vector<std::string> names;
  for (const auto& [name, p] : rnn.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                                             "rnn.bias_hh_l0", "linear.weight", "linear.bias"}));
  // The seed RNN's 29 parameters (U 4, W 16, b 4, V 4, c 1) plus PyTorch's second bias b_hh.
  EXPECT_EQ(rnn.num_parameters(), 33);
  // An LSTM: four gates.
  EXPECT_EQ(RecurrentRegressor({.input_size = 1, .hidden_size = 4}).num_parameters(),
            4 * 4 * (1 + 4 + 2) + 5);
  EXPECT_EQ(
      RecurrentRegressor({.mode = nn::RNNMode::GRU, .input_size = 2, .hidden_size = 3, .output_size = 2})
          .num_parameters(),
      3 * 3 * (2 + 3 + 2) + 8);
  EXPECT_EQ(rnn.rnn().all_weights()[0][1].shape(), Shape({4, 4}));  // weight_hh, for identity initialisation
}

TEST(RecurrentRegressor, WindowFormIsTheLastStepOfTheSequenceForm) {
  for (nn::RNNMode mode :
       {nn::RNNMode::RNN_TANH, nn::RNNMode::RNN_RELU, nn::RNNMode::LSTM, nn::RNNMode::GRU}) {
    for (bool batch_first : {true, false}) {
      manual_seed(1);
      RecurrentRegressor m({.mode = mode,
                            .input_size = 2,
                            .hidden_size = 3,
                            .num_layers = 2,
                            .output_size = 2,
                            .batch_first = batch_first});
      const Tensor x = randn(batch_first ? Shape{4, 5, 2} : Shape{5, 4, 2});
      const Tensor last = m(x);
      EXPECT_EQ(last.shape(), Shape({4, 2}));
      const Tensor all = m.forward_sequence(x).output;
      EXPECT_EQ(all.shape(), batch_first ? Shape({4, 5, 2}) : Shape({5, 4, 2}));
      EXPECT_TRUE(allclose(last, all.select(batch_first ? 1 : 0, 4), 1e-6, 1e-6));
    }
  }
  // Unbatched: [T, input] -> [output].
  RecurrentRegressor m({.input_size = 1, .hidden_size = 2});
  EXPECT_EQ(m(randn({6, 1})).shape(), Shape({1}));
}

TEST(RecurrentRegressor, StatesCarryAcrossCalls) {
  for (nn::RNNMode mode : {nn::RNNMode::RNN_TANH, nn::RNNMode::LSTM, nn::RNNMode::GRU}) {
    manual_seed(2);
    RecurrentRegressor m({.mode = mode, .input_size = 1, .hidden_size = 3, .dtype = kFloat64});
    const Tensor x = randn({2, 8, 1}, {.dtype = kFloat64});
    const RecurrentOutput whole = m.forward_sequence(x);
    const RecurrentOutput first = m.forward_sequence(x.narrow(1, 0, 5));
    const RecurrentOutput second = m.forward_sequence(x.narrow(1, 5, 3), first.state);
    EXPECT_TRUE(allclose(cat({first.output, second.output}, 1), whole.output, 0, 1e-14));
    EXPECT_TRUE(allclose(second.state.h, whole.state.h, 0, 1e-14));
    EXPECT_EQ(whole.state.c.defined(), mode == nn::RNNMode::LSTM);
  }
}

TEST(RecurrentRegressor, Gradcheck) {
  manual_seed(3);
  RecurrentRegressor m({.mode = nn::RNNMode::LSTM, .input_size = 2, .hidden_size = 2, .dtype = kFloat64});
  const auto f = [&](const std::vector<Tensor>& in) {
    return m.forward_sequence(in[0]).output.pow(2).sum() + m(in[0]).sum();
  };
  std::vector<Tensor> inputs{testing::rand_param({2, 3, 2}, -1, 1, 1)};
  for (const Tensor& p : m.parameters()) inputs.push_back(p);
  EXPECT_GRADCHECK(f, inputs);
}

TEST(RecurrentRegressor, SameSeedSameModel) {
  const auto build = [] {
    manual_seed(11);
    RecurrentRegressor m({.mode = nn::RNNMode::GRU, .input_size = 1, .hidden_size = 5});
    return m(ones({3, 4, 1}));
  };
  EXPECT_TRUE(equal(build(), build()));
}

TEST(RecurrentRegressor, BadOptionsThrow) {
  expect_error([] { RecurrentRegressor({.hidden_size = 0}); }, {"hidden_size"});
  expect_error([] { RecurrentRegressor({.output_size = 0}); }, {"RecurrentRegressor", "output_size", "0"});
  RecurrentRegressor m({.input_size = 2, .hidden_size = 2});
  expect_error([&] { m(zeros({3, 4, 3})); }, {"LSTM"});
}

}  // namespace
}  // namespace nabla::timeseries
