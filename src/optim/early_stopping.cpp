#include "nabla/optim/early_stopping.h"

#include "src/optim/state_io.h"

namespace nabla::optim {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : options_(options),
      best_(options.mode == Mode::min ? std::numeric_limits<double>::infinity()
                                      : -std::numeric_limits<double>::infinity()) {
  NABLA_CHECK(options.patience >= 0, "EarlyStopping", "patience must be non-negative, got ",
              options.patience);
  NABLA_CHECK(options.min_delta >= 0, "EarlyStopping", "min_delta must be non-negative, got ",
              options.min_delta);
}

bool EarlyStopping::step(double metric) {
  const bool improved =
      options_.mode == Mode::min ? metric < best_ - options_.min_delta : metric > best_ + options_.min_delta;
  if (improved) {
    best_ = metric;
    best_epoch_ = epoch_;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  ++epoch_;
  return should_stop();
}

StateDict EarlyStopping::state_dict() const {
  return {{"best", detail::number(best_)},
          {"best_epoch", detail::number(static_cast<double>(best_epoch_))},
          {"num_bad_epochs", detail::number(static_cast<double>(num_bad_epochs_))},
          {"epoch", detail::number(static_cast<double>(epoch_))}};
}

void EarlyStopping::load_state_dict(const StateDict& state) {
  const detail::StateReader r("EarlyStopping", state, {"best", "best_epoch", "num_bad_epochs", "epoch"});
  best_ = r.number("best");
  best_epoch_ = static_cast<int64_t>(r.number("best_epoch"));
  num_bad_epochs_ = static_cast<int64_t>(r.number("num_bad_epochs"));
  epoch_ = static_cast<int64_t>(r.number("epoch"));
}

}  // namespace nabla::optim
