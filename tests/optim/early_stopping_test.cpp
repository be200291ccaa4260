#include "nabla/optim/early_stopping.h"

#include <gtest/gtest.h>

#include <cmath>

namespace nabla::optim {
namespace {

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  EarlyStopping stop({.patience = 2, .min_delta = 0.01});
  EXPECT_EQ(stop.best_epoch(), -1);
  EXPECT_FALSE(stop.step(1.0));    // epoch 0: best
  EXPECT_FALSE(stop.step(0.5));    // epoch 1: best
  EXPECT_FALSE(stop.step(0.495));  // not better by more than min_delta
  EXPECT_EQ(stop.num_bad_epochs(), 1);
  EXPECT_FALSE(stop.step(0.3));  // epoch 3: best, counter reset
  EXPECT_FALSE(stop.step(0.4));
  EXPECT_TRUE(stop.step(NAN));  // a NaN never improves
  EXPECT_TRUE(stop.should_stop());
  EXPECT_EQ(stop.best_epoch(), 3);
  EXPECT_EQ(stop.best(), 0.3);
  EXPECT_EQ(stop.epoch(), 6);
}

TEST(EarlyStopping, MaxModeAndZeroPatience) {
  EarlyStopping stop({.patience = 0, .mode = Mode::max});
  EXPECT_FALSE(stop.step(0.5));
  EXPECT_FALSE(stop.step(0.7));
  EXPECT_TRUE(stop.step(0.7));  // equal is no improvement
  EXPECT_EQ(stop.best_epoch(), 1);
}

TEST(EarlyStopping, StateDictRoundTrip) {
  EarlyStopping a({.patience = 3});
  for (double m : {3.0, 2.0, 2.5, 2.4}) a.step(m);
  EarlyStopping b({.patience = 3});
  b.load_state_dict(a.state_dict());
  EXPECT_EQ(b.best(), 2.0);
  EXPECT_EQ(b.best_epoch(), 1);
  EXPECT_EQ(b.num_bad_epochs(), 2);
  EXPECT_EQ(b.epoch(), 4);
  EXPECT_TRUE(b.step(2.1));
  StateDict bad = a.state_dict();
  bad.pop_back();
  EXPECT_THROW(b.load_state_dict(bad), Error);
}

TEST(EarlyStopping, RejectsInvalidOptions) {
  EXPECT_THROW(EarlyStopping({.patience = -1}), Error);
  EXPECT_THROW(EarlyStopping({.min_delta = -0.1}), Error);
}

}  // namespace
}  // namespace nabla::optim
