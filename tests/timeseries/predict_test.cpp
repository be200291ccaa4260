// One-step-ahead and free-run prediction of NARX models, feed-forward and recurrent: hand-computed
// simulations, free runs that never read a measured future output, and gradients through them.
#include "nabla/timeseries/predict.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

// ARX y(k) = 0.5 y(k-1) + u(k-1): z(k) = [y(k-1), u(k-1)].
Tensor arx(const Tensor& z) { return matmul(z, f64({0.5, 1}, {2, 1})); }
const NARXOptions kArx{.na = 1, .nb = 1, .delay = 1};

TEST(Predict, FreeRunSimulatesByHand) {
  // y(0) = 1, u = [1, 0, 2, 0]: ŷ(1) = 0.5 + 1, ŷ(2) = 0.75 + 0, ŷ(3) = 0.375 + 2.
  const Tensor u = f64({1, 0, 2, 0});
  const Tensor y = f64({1, 7, 7, 7});  // measured outputs the simulation must ignore
  const Tensor simulated = predict(arx, y, u, {.narx = kArx});
  EXPECT_EQ(simulated.shape(), Shape({3, 1}));
  expect_values(simulated, {1.5, 0.75, 2.375}, 1e-15);
  // One step ahead uses the measured y(k-1) instead: 0.5 + 1, then 3.5 + u(k-1).
  expect_values(predict(arx, y, u, {.narx = kArx, .mode = Prediction::OneStepAhead}), {1.5, 3.5, 5.5}, 1e-15);
}

TEST(Predict, FreeRunNeverReadsAMeasuredFutureOutput) {
  // Everything after the initial conditions is NaN: a free run that read any of it would be NaN.
  const NARXOptions o{.na = 3, .nb = 2, .delay = 0};
  const Tensor u = testing::rand_param({12}, -1, 1, 4).detach();
  const Tensor clean = testing::rand_param({12}, -1, 1, 5).detach();
  const Tensor poisoned = cat({clean.narrow(0, 0, 3), full({9}, NAN, {.dtype = kFloat64})});
  const auto model = [](const Tensor& z) { return tanh(z.sum({1}, true)) * 0.5; };
  const Tensor from_poisoned = predict(model, poisoned, u, {.narx = o});
  EXPECT_TRUE(equal(from_poisoned, predict(model, clean, u, {.narx = o})));
  for (double v : from_poisoned.to_vector<double>()) EXPECT_TRUE(std::isfinite(v));
  // One step ahead does read them, and says where.
  expect_error([&] { predict(model, poisoned, u, {.narx = o, .mode = Prediction::OneStepAhead}); },
               {"predict", "y holds nan at step 3"});
  // So does a free run whose initial conditions are not finite.
  expect_error([&] { predict(model, full({12}, NAN, {.dtype = kFloat64}), u, {.narx = o}); },
               {"y holds nan at step 0"});
}

TEST(Predict, OneStepAheadOnItsOwnSimulationIsTheSimulation) {
  // Teacher forcing with the model's own outputs reproduces the free run: the two modes agree on
  // where every term of z(k) comes from.
  const NARXOptions o{.na = 2, .nb = 3, .delay = 0};
  const Tensor u = testing::rand_param({3, 15, 2}, -1, 1, 6).detach();  // a batch of 3 records, 2 inputs
  const Tensor y = testing::rand_param({3, 15, 1}, -1, 1, 7).detach();
  const Tensor w = testing::rand_param({8, 1}, -0.5, 0.5, 8).detach();
  const auto model = [&](const Tensor& z) { return tanh(matmul(z, w)); };
  const Tensor simulated = predict(model, y, u, {.narx = o});
  EXPECT_EQ(simulated.shape(), Shape({3, 13, 1}));
  const Tensor own = cat({y.narrow(1, 0, 2), simulated}, 1);
  EXPECT_TRUE(
      allclose(predict(model, own, u, {.narx = o, .mode = Prediction::OneStepAhead}), simulated, 0, 1e-15));
  // And a batch is its records run separately.
  EXPECT_TRUE(allclose(simulated[1], predict(model, y[1], u[1], {.narx = o}), 0, 1e-15));
}

TEST(Predict, GradcheckThroughAFreeRun) {
  const NARXOptions o{.na = 2, .nb = 1, .delay = 1};
  const Tensor u = testing::rand_param({6}, -1, 1, 9).detach();
  const auto f = [&](const std::vector<Tensor>& in) {
    const auto model = [&](const Tensor& z) { return tanh(linear(z, in[1], in[2])); };
    return predict(model, in[0], u, {.narx = o}).pow(2).sum();
  };
  // The initial conditions y(0), y(1) and the weights both receive gradients through every step.
  EXPECT_GRADCHECK(f, {testing::rand_param({6}, -1, 1, 10), testing::rand_param({1, 3}, -1, 1, 11),
                       testing::rand_param({1}, -1, 1, 12)});
}

TEST(Predict, RecurrentInputOnlyModelRunsTheRecordOnce) {
  manual_seed(3);
  RecurrentRegressor lstm({.input_size = 2, .hidden_size = 5, .dtype = kFloat64});
  const Tensor u = randn({20}, {.dtype = kFloat64}), y = randn({20}, {.dtype = kFloat64});
  // z(k) = [u(k), u(k-1)] from k = 1.
  const NARXOptions o{.na = 0, .nb = 2, .delay = 0};
  const Tensor simulated = predict(lstm, y, u, {.narx = o});
  EXPECT_EQ(simulated.shape(), Shape({19, 1}));
  const Tensor z = narx_regressors(y, u, o).inputs.unsqueeze(0);
  EXPECT_TRUE(equal(simulated, lstm.forward_sequence(z).output.squeeze(0)));
  EXPECT_TRUE(equal(simulated, predict(lstm, y, u, {.narx = o, .mode = Prediction::OneStepAhead})));
}

TEST(Predict, RecurrentFreeRunCarriesTheStateAndFeedsBack) {
  for (bool batch_first : {true, false}) {
    manual_seed(4);
    RecurrentRegressor gru({.mode = nn::RNNMode::GRU,
                            .input_size = 3,
                            .hidden_size = 4,
                            .batch_first = batch_first,
                            .dtype = kFloat64});
    const NARXOptions o{.na = 2, .nb = 1, .delay = 1};
    const Tensor u = randn({2, 10, 1}, {.dtype = kFloat64});
    const Tensor clean = randn({2, 10, 1}, {.dtype = kFloat64});
    const Tensor poisoned = cat({clean.narrow(1, 0, 2), full({2, 8, 1}, NAN, {.dtype = kFloat64})}, 1);
    const Tensor simulated = predict(gru, poisoned, u, {.narx = o});
    EXPECT_TRUE(equal(simulated, predict(gru, clean, u, {.narx = o})));
    // Teacher forcing on its own outputs is one call over the whole sequence: equal only if the
    // free run carried the state from step to step.
    const Tensor own = cat({clean.narrow(1, 0, 2), simulated}, 1);
    EXPECT_TRUE(
        allclose(predict(gru, own, u, {.narx = o, .mode = Prediction::OneStepAhead}), simulated, 0, 1e-14))
        << "batch_first " << batch_first;
  }
}

TEST(Predict, RecurrentGradcheckThroughAFreeRun) {
  manual_seed(6);
  RecurrentRegressor rnn(
      {.mode = nn::RNNMode::RNN_TANH, .input_size = 2, .hidden_size = 2, .dtype = kFloat64});
  const Tensor u = randn({5}, {.dtype = kFloat64});
  const auto f = [&](const std::vector<Tensor>& in) {
    return predict(rnn, in[0], u, {.narx = {.na = 1, .nb = 1, .delay = 0}}).pow(2).sum();
  };
  std::vector<Tensor> inputs{testing::rand_param({5}, -1, 1, 13)};
  for (const Tensor& p : rnn.parameters()) inputs.push_back(p);
  EXPECT_GRADCHECK(f, inputs);
}

TEST(Predict, BadModelsNameTheShapes) {
  const Tensor y = f64({1, 2, 3, 4}), u = f64({1, 2, 3, 4});
  expect_error([&] { predict([](const Tensor& z) { return z; }, y, u, {.narx = kArx}); },
               {"predict", "[1, 2]", "expected the next value", "[1, 1]"});
  const PredictOptions one_step{.narx = kArx, .mode = Prediction::OneStepAhead};
  expect_error([&] { predict([](const Tensor& z) { return z; }, y, u, one_step); },
               {"regressors of shape [3, 2]", "expected [3, 1]"});
  RecurrentRegressor lstm({.input_size = 3, .hidden_size = 2, .dtype = kFloat64});
  expect_error([&] { predict(lstm, y, u, {.narx = kArx}); },
               {"maps 3 inputs to 1 outputs", "regressors have 2 values"});
}

}  // namespace
}  // namespace nabla::timeseries
