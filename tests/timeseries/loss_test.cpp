// The sub-sequence loss with a washout, against the seeds' formula, and the NARX prediction losses.
#include "nabla/timeseries/loss.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

TEST(SequenceMseLoss, WashoutSkipsTheFirstStepsOfEverySequence) {
  // Two sequences of 4 steps, one channel; errors 1, 2, 3, 4 and 0, 0, 2, 2. With a washout of 2:
  // L^(1) = (9 + 16) / 2, L^(2) = (4 + 4) / 2, loss = (12.5 + 4) / 2.
  const Tensor target = zeros({2, 4, 1}, {.dtype = kFloat64});
  const Tensor input = f64({1, 2, 3, 4, 0, 0, 2, 2}, {2, 4, 1});
  expect_values(sequence_mse_loss(input, target, {.washout = 2}), {8.25}, 1e-15);
  expect_values(sequence_mse_loss(input, target), {(30.0 + 8) / 8}, 1e-15);
  // Sequence-first: the same sequences as [L, Q, C].
  expect_values(
      sequence_mse_loss(input.transpose(0, 1), target.transpose(0, 1), {.washout = 2, .batch_first = false}),
      {8.25}, 1e-15);
  // One sequence [L] or [L, C].
  expect_values(sequence_mse_loss(f64({5, 1, 2}), zeros({3}, {.dtype = kFloat64}), {.washout = 1}), {2.5},
                1e-15);
}

TEST(SequenceMseLoss, IsTheMeanOverSequencesOfThePerSequenceLoss) {
  // The seed's L = 1/Q Σ_q L^(q), L^(q) = 1/(L - w) Σ_{t >= w} mean_c (ŷ - y)², computed by loops.
  const Tensor input = testing::rand_param({3, 7, 2}, -1, 1, 1).detach(),
               target = testing::rand_param({3, 7, 2}, -1, 1, 2).detach();
  const std::vector<double> a = input.to_vector<double>(), b = target.to_vector<double>();
  const int64_t washout = 3;
  double total = 0;
  for (int64_t q = 0; q < 3; ++q) {
    double lq = 0;
    for (int64_t t = washout; t < 7; ++t)
      for (int64_t c = 0; c < 2; ++c) lq += std::pow(a[(q * 7 + t) * 2 + c] - b[(q * 7 + t) * 2 + c], 2) / 2;
    total += lq / (7 - washout);
  }
  expect_values(sequence_mse_loss(input, target, {.washout = washout}), {total / 3}, 1e-14);
}

TEST(SequenceMseLoss, GradcheckAndNoGradientInTheWashout) {
  const Tensor input = testing::rand_param({2, 5, 1}, -1, 1, 3),
               target = testing::rand_param({2, 5, 1}, -1, 1, 4);
  const auto f = [](const std::vector<Tensor>& in) {
    return sequence_mse_loss(in[0], in[1], {.washout = 2});
  };
  EXPECT_GRADCHECK(f, {input, target});
  sequence_mse_loss(input, target.detach(), {.washout = 2}).backward();
  expect_values(input.grad().narrow(1, 0, 2), {0, 0, 0, 0});
}

TEST(SequenceMseLoss, BadInputNamesTheNumbers) {
  const Tensor x = zeros({2, 4, 1});
  expect_error([&] { sequence_mse_loss(x, zeros({2, 4})); }, {"sequence_mse_loss", "[2, 4, 1]", "[2, 4]"});
  expect_error([&] { sequence_mse_loss(x, x, {.washout = 4}); }, {"washout of 4", "none of the 4 steps"});
  expect_error([&] { sequence_mse_loss(x, x, {.washout = -1}); }, {"washout of -1"});
  expect_error([&] { sequence_mse_loss(zeros({1, 2, 3, 4}), zeros({1, 2, 3, 4})); }, {"[1, 2, 3, 4]"});
}

// ARX y(k) = 0.5 y(k-1) + u(k-1).
Tensor arx(const Tensor& z) { return matmul(z, f64({0.5, 1}, {2, 1})); }

TEST(PredictionLoss, OneStepAndSimulationErrorsAgainstTheRecord) {
  const NARXOptions o{.na = 1, .nb = 1, .delay = 1};
  const Tensor u = f64({1, 0, 2, 0}), y = f64({1, 2, 1, 3});
  // Simulated 1.5, 0.75, 2.375 against 2, 1, 3; one step ahead 1.5, 1, 2.5 against the same.
  expect_values(prediction_loss(arx, y, u, {.narx = o, .mode = Prediction::FreeRun}),
                {(0.25 + 0.0625 + 0.390625) / 3}, 1e-15);
  expect_values(prediction_loss(arx, y, u, {.narx = o}), {(0.25 + 0 + 0.25) / 3}, 1e-15);
  // The washout counts predicted steps, after the max_lag() initial conditions.
  expect_values(prediction_loss(arx, y, u, {.narx = o, .mode = Prediction::FreeRun, .washout = 2}),
                {0.390625}, 1e-15);
  expect_error([&] { prediction_loss(arx, y, u, {.narx = o, .washout = 3}); },
               {"prediction_loss", "washout of 3", "none of the 3 predicted steps", "4 steps"});
}

TEST(PredictionLoss, SimulationErrorGradcheckOverBatches) {
  // Simulation-error training: the loss of a free run over a batch of sub-sequences,
  // differentiated through the unrolled simulation.
  const NARXOptions o{.na = 2, .nb = 2, .delay = 1};
  const Tensor u = testing::rand_param({2, 6, 1}, -1, 1, 5).detach(),
               y = testing::rand_param({2, 6, 1}, -1, 1, 6).detach();
  const auto f = [&](const std::vector<Tensor>& in) {
    const auto model = [&](const Tensor& z) { return tanh(linear(z, in[0], in[1])); };
    return prediction_loss(model, y, u, {.narx = o, .mode = Prediction::FreeRun, .washout = 1});
  };
  EXPECT_GRADCHECK(f, {testing::rand_param({1, 4}, -1, 1, 7), testing::rand_param({1}, -1, 1, 8)});
}

TEST(PredictionLoss, RecurrentModels) {
  manual_seed(2);
  RecurrentRegressor lstm({.input_size = 1, .hidden_size = 3, .dtype = kFloat64});
  const Tensor u = randn({2, 8, 1}, {.dtype = kFloat64}), y = randn({2, 8, 1}, {.dtype = kFloat64});
  const NARXOptions o{.na = 0, .nb = 1, .delay = 0};
  const Tensor y_hat = lstm.forward_sequence(u).output;
  EXPECT_TRUE(allclose(prediction_loss(lstm, y, u, {.narx = o, .washout = 3}),
                       sequence_mse_loss(y_hat, y, {.washout = 3}), 0, 1e-15));
}

}  // namespace
}  // namespace nabla::timeseries
