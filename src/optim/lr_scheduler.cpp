#include "nabla/optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "src/optim/state_io.h"

namespace nabla::optim {
namespace {

constexpr double kPi = std::numbers::pi;

// A per-group setting given as one value for all groups or one value per group.
std::vector<double> per_group(const char* op, const char* name, const std::vector<double>& values,
                              size_t groups) {
  NABLA_CHECK(values.size() == 1 || values.size() == groups, op, "expected 1 or ", groups, " values for ",
              name, ", got ", values.size());
  return values.size() == 1 ? std::vector<double>(groups, values[0]) : values;
}

}  // namespace

// ---- LRScheduler ----------------------------------------------------------------------

void LRScheduler::initial_step() {
  for (ParamGroup& g : groups()) {
    if (!g.options.contains("initial_lr")) g.options.set("initial_lr", g.options.at("lr"));
    base_lrs_.push_back(g.options.at("initial_lr"));
  }
  step();
}

std::vector<double> LRScheduler::group_lrs() const {
  std::vector<double> lrs;
  for (const ParamGroup& g : optimizer_.param_groups()) lrs.push_back(g.options.at("lr"));
  return lrs;
}

void LRScheduler::step() {
  NABLA_CHECK(groups().size() == base_lrs_.size(), "LRScheduler", "the optimizer has ", groups().size(),
              " param groups, but had ", base_lrs_.size(), " when the scheduler was built");
  ++step_count_;
  ++last_epoch_;
  const std::vector<double> lrs = get_lr();
  for (size_t g = 0; g < lrs.size(); ++g) groups()[g].options.at("lr") = lrs[g];
  last_lr_ = group_lrs();
}

StateDict LRScheduler::state_dict() const {
  return {{"last_epoch", detail::number(static_cast<double>(last_epoch_))},
          {"_step_count", detail::number(static_cast<double>(step_count_))},
          {"base_lrs", detail::numbers(base_lrs_)},
          {"_last_lr", detail::numbers(last_lr_)}};
}

void LRScheduler::load_state_dict(const StateDict& state) {
  const detail::StateReader r("LRScheduler", state, {"last_epoch", "_step_count", "base_lrs", "_last_lr"});
  const double last_epoch = r.number("last_epoch"), step_count = r.number("_step_count");
  std::vector<double> base_lrs = r.numbers("base_lrs", base_lrs_.size());
  std::vector<double> last_lr = r.numbers("_last_lr", base_lrs_.size());
  last_epoch_ = static_cast<int64_t>(last_epoch);
  step_count_ = static_cast<int64_t>(step_count);
  base_lrs_ = std::move(base_lrs);
  last_lr_ = std::move(last_lr);
}

// ---- StepLR, MultiStepLR, ExponentialLR ---------------------------------------------------

StepLR::StepLR(Optimizer& optimizer, StepLROptions options) : LRScheduler(optimizer), options_(options) {
  NABLA_CHECK(options.step_size >= 1, "StepLR", "step_size must be at least 1, got ", options.step_size);
  initial_step();
}

std::vector<double> StepLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch() == 0 || last_epoch() % options_.step_size != 0) return lrs;
  for (double& lr : lrs) lr *= options_.gamma;
  return lrs;
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, MultiStepLROptions options)
    : LRScheduler(optimizer), options_(std::move(options)) {
  initial_step();
}

std::vector<double> MultiStepLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  const auto hits = std::count(options_.milestones.begin(), options_.milestones.end(), last_epoch());
  if (hits == 0) return lrs;
  for (double& lr : lrs) lr *= std::pow(options_.gamma, static_cast<double>(hits));
  return lrs;
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, ExponentialLROptions options)
    : LRScheduler(optimizer), options_(options) {
  NABLA_CHECK(!std::isnan(options.gamma), "ExponentialLR", "gamma is required");
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch() == 0) return lrs;
  for (double& lr : lrs) lr *= options_.gamma;
  return lrs;
}

// ---- CosineAnnealingLR --------------------------------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, CosineAnnealingLROptions options)
    : LRScheduler(optimizer), options_(options) {
  NABLA_CHECK(options.T_max >= 1, "CosineAnnealingLR", "T_max must be at least 1, got ", options.T_max);
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  const int64_t e = last_epoch(), t_max = options_.T_max;
  const double eta_min = options_.eta_min, t = static_cast<double>(t_max);
  if (e == 0) return lrs;
  if ((e - 1 - t_max) % (2 * t_max) == 0) {
    // The trough of the wave: the ratio form below would divide by zero.
    for (size_t g = 0; g < lrs.size(); ++g) lrs[g] += (base_lrs()[g] - eta_min) * (1 - std::cos(kPi / t)) / 2;
    return lrs;
  }
  const double ratio =
      (1 + std::cos(kPi * static_cast<double>(e) / t)) / (1 + std::cos(kPi * static_cast<double>(e - 1) / t));
  for (double& lr : lrs) lr = ratio * (lr - eta_min) + eta_min;
  return lrs;
}

// ---- LinearLR -------------------------------------------------------------------------------

LinearLR::LinearLR(Optimizer& optimizer, LinearLROptions options)
    : LRScheduler(optimizer), options_(options) {
  NABLA_CHECK(options.start_factor > 0 && options.start_factor <= 1, "LinearLR",
              "starting multiplicative factor expected to be greater than 0 and at most 1, got ",
              options.start_factor);
  NABLA_CHECK(options.end_factor >= 0 && options.end_factor <= 1, "LinearLR",
              "ending multiplicative factor expected to be between 0 and 1, got ", options.end_factor);
  NABLA_CHECK(options.total_iters >= 0, "LinearLR", "total_iters must be non-negative, got ",
              options.total_iters);
  initial_step();
}

std::vector<double> LinearLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  const int64_t e = last_epoch();
  const double start = options_.start_factor, end = options_.end_factor;
  if (e == 0) {
    for (double& lr : lrs) lr *= start;
    return lrs;
  }
  if (e > options_.total_iters) return lrs;
  const double factor = 1. + (end - start) / (static_cast<double>(options_.total_iters) * start +
                                              static_cast<double>(e - 1) * (end - start));
  for (double& lr : lrs) lr *= factor;
  return lrs;
}

// ---- OneCycleLR -----------------------------------------------------------------------------

OneCycleLR::OneCycleLR(Optimizer& optimizer, OneCycleLROptions options)
    : LRScheduler(optimizer), options_(std::move(options)) {
  const char* op = "OneCycleLR";
  const OneCycleLROptions& o = options_;
  if (o.total_steps != 0) {
    NABLA_CHECK(o.total_steps > 0, op, "expected a positive total_steps, got ", o.total_steps);
    total_steps_ = o.total_steps;
  } else {
    NABLA_CHECK(o.epochs > 0 && o.steps_per_epoch > 0, op,
                "define either total_steps or (epochs and steps_per_epoch) as positive integers, got epochs ",
                o.epochs, " and steps_per_epoch ", o.steps_per_epoch);
    total_steps_ = o.epochs * o.steps_per_epoch;
  }
  NABLA_CHECK(o.pct_start >= 0 && o.pct_start <= 1, op, "expected pct_start between 0 and 1, got ",
              o.pct_start);
  const double total = static_cast<double>(total_steps_);
  if (o.three_phase) {
    phases_ = {{o.pct_start * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"},
               {2 * o.pct_start * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"},
               {total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"}};
  } else {
    phases_ = {{o.pct_start * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"},
               {total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"}};
  }
  const size_t n = groups().size();
  NABLA_CHECK(!o.max_lr.empty(), op, "max_lr is required");
  const std::vector<double> max_lrs = per_group(op, "max_lr", o.max_lr, n);
  for (size_t g = 0; g < n; ++g) {
    GroupOptions& go = groups()[g].options;
    go.set("initial_lr", max_lrs[g] / o.div_factor);
    go.set("max_lr", max_lrs[g]);
    go.set("min_lr", go.at("initial_lr") / o.final_div_factor);
  }
  if (o.cycle_momentum) {
    const GroupOptions& defaults = optimizer.defaults();
    NABLA_CHECK(defaults.contains("momentum") || defaults.contains("betas.0"), op, optimizer.type_name(),
                " has no momentum to cycle; set cycle_momentum = false");
    momentum_key_ = defaults.contains("betas.0") ? "betas.0" : "momentum";
    const std::vector<double> max_m = per_group(op, "max_momentum", o.max_momentum, n);
    const std::vector<double> base_m = per_group(op, "base_momentum", o.base_momentum, n);
    for (size_t g = 0; g < n; ++g) {
      GroupOptions& go = groups()[g].options;
      go.at(momentum_key_) = max_m[g];
      go.set("max_momentum", max_m[g]);
      go.set("base_momentum", base_m[g]);
    }
  }
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == AnnealStrategy::linear) return (end - start) * pct + start;
  const double cos_out = std::cos(kPi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
  const int64_t step_num = last_epoch();
  NABLA_CHECK(step_num <= total_steps_, "OneCycleLR", "tried to step ", step_num + 1,
              " times; the specified number of total steps is ", total_steps_);
  const double s = static_cast<double>(step_num);
  std::vector<double> lrs;
  for (ParamGroup& group : groups()) {
    GroupOptions& go = group.options;
    double start_step = 0;
    for (size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (s <= phase.end_step || i + 1 == phases_.size()) {
        NABLA_CHECK(phase.end_step != start_step, "OneCycleLR", "phase ", i, " has no steps (total_steps ",
                    total_steps_, ", pct_start ", options_.pct_start, ")");
        const double pct = (s - start_step) / (phase.end_step - start_step);
        lrs.push_back(anneal(go.at(phase.start_lr), go.at(phase.end_lr), pct));
        if (momentum_key_)
          go.at(momentum_key_) = anneal(go.at(phase.start_momentum), go.at(phase.end_momentum), pct);
        break;
      }
      start_step = phase.end_step;
    }
  }
  return lrs;
}

// ---- ReduceLROnPlateau ----------------------------------------------------------------------

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options)
    : optimizer_(optimizer), options_(std::move(options)) {
  const char* op = "ReduceLROnPlateau";
  NABLA_CHECK(options_.factor < 1.0, op, "factor should be < 1.0, got ", options_.factor);
  NABLA_CHECK(options_.patience >= 0 && options_.cooldown >= 0, op,
              "patience and cooldown must be non-negative, got ", options_.patience, " and ",
              options_.cooldown);
  min_lrs_ = per_group(op, "min_lr", options_.min_lr, optimizer.param_groups().size());
  best_ = options_.mode == Mode::min ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity();
  for (const ParamGroup& g : optimizer.param_groups()) last_lr_.push_back(g.options.at("lr"));
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
  const double t = options_.threshold;
  const bool rel = options_.threshold_mode == ThresholdMode::rel;
  if (options_.mode == Mode::min) return rel ? a < best * (1. - t) : a < best - t;
  return rel ? a > best * (t + 1.) : a > best + t;
}

void ReduceLROnPlateau::step(double metric) {
  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  NABLA_CHECK(groups.size() == min_lrs_.size(), "ReduceLROnPlateau", "the optimizer has ", groups.size(),
              " param groups, but had ", min_lrs_.size(), " when the scheduler was built");
  ++last_epoch_;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > options_.patience) {
    for (size_t g = 0; g < groups.size(); ++g) {
      double& lr = groups[g].options.at("lr");
      const double new_lr = std::max(lr * options_.factor, min_lrs_[g]);
      if (lr - new_lr > options_.eps) lr = new_lr;
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const ParamGroup& g : groups) last_lr_.push_back(g.options.at("lr"));
}

StateDict ReduceLROnPlateau::state_dict() const {
  return {{"best", detail::number(best_)},
          {"num_bad_epochs", detail::number(static_cast<double>(num_bad_epochs_))},
          {"cooldown_counter", detail::number(static_cast<double>(cooldown_counter_))},
          {"last_epoch", detail::number(static_cast<double>(last_epoch_))},
          {"_last_lr", detail::numbers(last_lr_)}};
}

void ReduceLROnPlateau::load_state_dict(const StateDict& state) {
  const detail::StateReader r("ReduceLROnPlateau", state,
                              {"best", "num_bad_epochs", "cooldown_counter", "last_epoch", "_last_lr"});
  const double best = r.number("best"), bad = r.number("num_bad_epochs"),
               cooldown = r.number("cooldown_counter"), last_epoch = r.number("last_epoch");
  std::vector<double> last_lr = r.numbers("_last_lr", min_lrs_.size());
  best_ = best;
  num_bad_epochs_ = static_cast<int64_t>(bad);
  cooldown_counter_ = static_cast<int64_t>(cooldown);
  last_epoch_ = static_cast<int64_t>(last_epoch);
  last_lr_ = std::move(last_lr);
}

}  // namespace nabla::optim
