// LR schedulers against PyTorch 1.13's lr (and OneCycleLR's momentum) sequences.
#include <memory>
#include <string>

#include "tests/optim/golden.h"
#include "tests/tensor/test_util.h"

namespace nabla::optim::testing {
namespace {

// PyTorch's recursions, evaluated in the same order; GCC may fuse a multiply-add that
// Python rounds twice, so the last bit or two may differ.
constexpr double kTol = 1e-14;

// Two groups with lr 0.1 and 0.02, as make_optim.py builds them.
std::unique_ptr<Optimizer> make_optimizer(const json& c) {
  std::vector<ParamGroupSpec> groups = {{{zeros({1}).requires_grad_()}, {}},
                                        {{zeros({1}).requires_grad_()}, {{"lr", 0.02}}}};
  if (c.value("optimizer", "SGD") == "Adam")
    return std::make_unique<Adam>(std::move(groups), AdamOptions{.lr = 0.1});
  return std::make_unique<SGD>(std::move(groups), SGDOptions{.lr = 0.1, .momentum = 0.9});
}

std::vector<double> list(const json& a, const char* key) {
  if (!a.contains(key)) return {};
  if (a[key].is_array()) return a[key].get<std::vector<double>>();
  return {a[key].get<double>()};
}

std::unique_ptr<LRScheduler> make_scheduler(const json& c, Optimizer& opt) {
  const std::string kind = c["scheduler"];
  const json& a = c["args"];
  if (kind == "StepLR")
    return std::make_unique<StepLR>(opt, StepLROptions{.step_size = a["step_size"], .gamma = a["gamma"]});
  if (kind == "MultiStepLR")
    return std::make_unique<MultiStepLR>(
        opt,
        MultiStepLROptions{.milestones = a["milestones"].get<std::vector<int64_t>>(), .gamma = a["gamma"]});
  if (kind == "ExponentialLR")
    return std::make_unique<ExponentialLR>(opt, ExponentialLROptions{.gamma = a["gamma"]});
  if (kind == "CosineAnnealingLR")
    return std::make_unique<CosineAnnealingLR>(
        opt, CosineAnnealingLROptions{.T_max = a["T_max"], .eta_min = a.value("eta_min", 0.0)});
  if (kind == "LinearLR")
    return std::make_unique<LinearLR>(opt, LinearLROptions{.start_factor = a.value("start_factor", 1.0 / 3),
                                                           .end_factor = a.value("end_factor", 1.0),
                                                           .total_iters = a.value("total_iters", 5)});
  if (kind == "OneCycleLR") {
    OneCycleLROptions o{.max_lr = list(a, "max_lr"), .total_steps = a["total_steps"]};
    o.pct_start = a.value("pct_start", o.pct_start);
    if (a.value("anneal_strategy", "cos") == "linear") o.anneal_strategy = AnnealStrategy::linear;
    o.cycle_momentum = a.value("cycle_momentum", true);
    if (a.contains("base_momentum")) o.base_momentum = list(a, "base_momentum");
    if (a.contains("max_momentum")) o.max_momentum = list(a, "max_momentum");
    o.div_factor = a.value("div_factor", o.div_factor);
    o.final_div_factor = a.value("final_div_factor", o.final_div_factor);
    o.three_phase = a.value("three_phase", false);
    return std::make_unique<OneCycleLR>(opt, o);
  }
  throw std::runtime_error("unknown scheduler " + kind);
}

ReduceLROnPlateauOptions plateau_options(const json& a) {
  ReduceLROnPlateauOptions o;
  o.mode = a.value("mode", "min") == "max" ? Mode::max : Mode::min;
  o.factor = a.value("factor", o.factor);
  o.patience = a.value("patience", o.patience);
  o.threshold = a.value("threshold", o.threshold);
  o.threshold_mode = a.value("threshold_mode", "rel") == "abs" ? ThresholdMode::abs : ThresholdMode::rel;
  o.cooldown = a.value("cooldown", o.cooldown);
  if (a.contains("min_lr")) o.min_lr = list(a, "min_lr");
  o.eps = a.value("eps", o.eps);
  return o;
}

void expect_lrs(const std::vector<double>& got, const json& expected, const std::string& what) {
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (size_t g = 0; g < got.size(); ++g) {
    const double e = expected[g];
    EXPECT_NEAR(got[g], e, kTol * std::abs(e)) << what << ", group " << g;
  }
}

std::vector<double> momenta(const Optimizer& opt) {
  std::vector<double> m;
  for (const ParamGroup& g : opt.param_groups())
    m.push_back(g.options.contains("betas.0") ? g.options.at("betas.0") : g.options.at("momentum"));
  return m;
}

TEST(LRSchedulerGolden, Sequences) {
  for (const json& c : golden()["schedulers"]) {
    if (c["scheduler"] == "ReduceLROnPlateau") continue;
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    auto opt = make_optimizer(c);
    auto sched = make_scheduler(c, *opt);
    for (size_t e = 0; e < c["lrs"].size(); ++e) {
      if (e > 0) {
        opt->step();
        sched->step();
      }
      expect_lrs(sched->get_last_lr(), c["lrs"][e], name + " epoch " + std::to_string(e));
      for (size_t g = 0; g < opt->param_groups().size(); ++g)
        EXPECT_EQ(opt->param_groups()[g].options.at("lr"), sched->get_last_lr()[g]);
      if (c.contains("momentum"))
        expect_lrs(momenta(*opt), c["momentum"][e], name + " momentum, epoch " + std::to_string(e));
    }
  }
}

TEST(LRSchedulerGolden, ReduceLROnPlateau) {
  for (const json& c : golden()["schedulers"]) {
    if (c["scheduler"] != "ReduceLROnPlateau") continue;
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    auto opt = make_optimizer(c);
    ReduceLROnPlateau sched(*opt, plateau_options(c["args"]));
    EXPECT_EQ(sched.get_last_lr(), (std::vector<double>{0.1, 0.02}));
    for (size_t e = 0; e < c["metrics"].size(); ++e) {
      sched.step(c["metrics"][e].get<double>());
      expect_lrs(sched.get_last_lr(), c["lrs"][e], name + " epoch " + std::to_string(e));
    }
  }
}

TEST(LRSchedulerGolden, ResumeFromStateDicts) {
  // Save optimizer and scheduler mid-way, rebuild both, load, continue: the same sequence.
  for (const json& c : golden()["schedulers"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    const size_t half = c["lrs"].size() / 2;
    if (c["scheduler"] == "ReduceLROnPlateau") {
      auto opt = make_optimizer(c);
      ReduceLROnPlateau sched(*opt, plateau_options(c["args"]));
      for (size_t e = 0; e < half; ++e) sched.step(c["metrics"][e].get<double>());
      const StateDict so = opt->state_dict(), ss = sched.state_dict();
      auto opt2 = make_optimizer(c);
      ReduceLROnPlateau sched2(*opt2, plateau_options(c["args"]));
      opt2->load_state_dict(so);
      sched2.load_state_dict(ss);
      for (size_t e = half; e < c["metrics"].size(); ++e) {
        sched2.step(c["metrics"][e].get<double>());
        expect_lrs(sched2.get_last_lr(), c["lrs"][e], name + " epoch " + std::to_string(e));
      }
      continue;
    }
    auto opt = make_optimizer(c);
    auto sched = make_scheduler(c, *opt);
    for (size_t e = 1; e < half; ++e) sched->step();
    const StateDict so = opt->state_dict(), ss = sched->state_dict();
    auto opt2 = make_optimizer(c);
    auto sched2 = make_scheduler(c, *opt2);
    opt2->load_state_dict(so);
    sched2->load_state_dict(ss);
    EXPECT_EQ(sched2->last_epoch(), static_cast<int64_t>(half) - 1);
    expect_lrs(sched2->get_last_lr(), c["lrs"][half - 1], name + " after loading");
    for (size_t e = half; e < c["lrs"].size(); ++e) {
      sched2->step();
      expect_lrs(sched2->get_last_lr(), c["lrs"][e], name + " epoch " + std::to_string(e));
      if (c.contains("momentum")) expect_lrs(momenta(*opt2), c["momentum"][e], name + " momentum");
    }
  }
}

using nabla::testing::expect_error;

TEST(LRScheduler, BaseLrsComeFromInitialLr) {
  // The second scheduler of an optimizer anneals from the original lr, as in PyTorch.
  SGD opt({zeros({1}).requires_grad_()}, {.lr = 0.1});
  StepLR first(opt, {.step_size = 1, .gamma = 0.5});
  first.step();
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].options.at("lr"), 0.05);
  CosineAnnealingLR second(opt, {.T_max = 10});
  EXPECT_EQ(second.base_lrs(), (std::vector<double>{0.1}));
  EXPECT_EQ(opt.param_groups()[0].options.at("initial_lr"), 0.1);
}

TEST(LRScheduler, RejectsInvalidOptions) {
  SGD opt({zeros({1}).requires_grad_()}, {.lr = 0.1});
  Adagrad adagrad({zeros({1}).requires_grad_()});
  expect_error([&] { StepLR(opt, {}); }, "step_size");
  expect_error([&] { ExponentialLR(opt, {}); }, "gamma is required");
  expect_error([&] { CosineAnnealingLR(opt, {}); }, "T_max");
  expect_error([&] { LinearLR(opt, {.start_factor = 0}); }, "starting multiplicative factor");
  expect_error([&] { LinearLR(opt, {.end_factor = 1.5}); }, "ending multiplicative factor");
  expect_error([&] { OneCycleLR(opt, {.max_lr = {0.1}}); }, "total_steps");
  expect_error([&] { OneCycleLR(opt, {.max_lr = {}, .total_steps = 10}); }, "max_lr is required");
  expect_error([&] { OneCycleLR(opt, {.max_lr = {0.1, 0.2}, .total_steps = 10}); }, "expected 1 or 1 values");
  expect_error([&] { OneCycleLR(opt, {.max_lr = {0.1}, .total_steps = 10, .pct_start = 1.5}); }, "pct_start");
  expect_error([&] { OneCycleLR(adagrad, {.max_lr = {0.1}, .total_steps = 10}); }, "no momentum to cycle");
  expect_error([&] { ReduceLROnPlateau(opt, {.factor = 1.0}); }, "factor should be < 1.0");
  expect_error([&] { ReduceLROnPlateau(opt, {.min_lr = {0, 0}}); }, "expected 1 or 1 values for min_lr");
}

TEST(LRScheduler, OneCycleLRStopsAfterTotalSteps) {
  SGD opt({zeros({1}).requires_grad_()}, {.lr = 0.1, .momentum = 0.9});
  OneCycleLR sched(opt, {.max_lr = {1.0}, .epochs = 2, .steps_per_epoch = 3});
  EXPECT_EQ(sched.total_steps(), 6);
  for (int i = 0; i < 6; ++i) sched.step();  // epochs 1..6: step 6 is PyTorch's last allowed one
  expect_error([&] { sched.step(); }, "tried to step 8 times");
}

TEST(LRScheduler, LoadStateDictChecksItsInput) {
  SGD opt({zeros({1}).requires_grad_()}, {.lr = 0.1});
  StepLR sched(opt, {.step_size = 2});
  StateDict sd = sched.state_dict();
  sd.pop_back();
  expect_error([&] { sched.load_state_dict(sd); }, "has no '_last_lr'");
  sd = sched.state_dict();
  sd[2].second = zeros({3}, {.dtype = kFloat64});
  expect_error([&] { sched.load_state_dict(sd); }, "'base_lrs' must be a 1-D");
  sd = sched.state_dict();
  sd.emplace_back("gamma", scalar_tensor(0.5));
  expect_error([&] { sched.load_state_dict(sd); }, "unexpected key 'gamma'");
  EXPECT_EQ(sched.last_epoch(), 0);
}

}  // namespace
}  // namespace nabla::optim::testing
