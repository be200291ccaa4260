// Optimizers against PyTorch 1.13: parameter trajectories over 10 steps for every option
// combination of tests/data/golden_optim.json, their state, and state_dict round trips.
#include <memory>
#include <set>
#include <string>

#include "tests/optim/golden.h"
#include "tests/tensor/test_util.h"

namespace nabla::optim::testing {
namespace {

constexpr int kSteps = 10;
constexpr double kTol64 = 1e-10, kTol32 = 1e-5;

GroupOptions options_from(const json& j) {
  GroupOptions o;
  for (const auto& [name, v] : j.items())
    o.set(name, v.is_boolean() ? (v.get<bool>() ? 1.0 : 0.0) : v.get<double>());
  return o;
}

// The optimizer `type` with its default options (SGD's lr is required, so its defaults
// get an lr that every golden case overrides).
std::unique_ptr<Optimizer> make_optimizer(const std::string& type, std::vector<ParamGroupSpec> groups) {
  if (type == "SGD") return std::make_unique<SGD>(std::move(groups), SGDOptions{.lr = 123});
  if (type == "Adam") return std::make_unique<Adam>(std::move(groups), AdamOptions{});
  if (type == "AdamW") return std::make_unique<AdamW>(std::move(groups), AdamWOptions{});
  if (type == "RMSprop") return std::make_unique<RMSprop>(std::move(groups), RMSpropOptions{});
  if (type == "Adagrad") return std::make_unique<Adagrad>(std::move(groups), AdagradOptions{});
  throw std::runtime_error("unknown optimizer " + type);
}

// The golden problem's parameters in `dtype`. With repeat > 1 each parameter is
// `repeat` stacked copies of the golden one (an elementwise update leaves every copy on
// the golden trajectory), large enough to be split across threads.
struct Problem {
  DType dtype = kFloat64;
  int64_t repeat = 1;
  bool non_contiguous = false;  // the weight is a transposed view
  std::vector<Tensor> params;

  explicit Problem(DType dt, int64_t rep = 1, bool non_contig = false)
      : dtype(dt), repeat(rep), non_contiguous(non_contig) {
    const json& pr = golden()["problem"];
    for (size_t i = 0; i < pr["params"].size(); ++i) params.push_back(make(pr["params"][i], pr["shapes"][i]));
    if (non_contiguous) {
      const Tensor& w = params[0];
      params[0] = w.t().contiguous().t().detach().requires_grad_();
    }
    for (Tensor& p : params) p.requires_grad_();
  }

  Tensor make(const json& values, const json& shape) const {
    Tensor t = tensor_of(values, shape_of(shape), dtype);
    if (repeat == 1) return t;
    Shape big{repeat};
    for (int64_t d : t.shape()) big.push_back(d);
    return t.unsqueeze(0).expand(big).contiguous();
  }

  void set_grads(int step, const json& skip) {
    const json& pr = golden()["problem"];
    for (size_t i = 0; i < params.size(); ++i) {
      bool skipped = false;
      for (const json& s : skip) skipped |= s[0] == step && s[1] == static_cast<int>(i);
      Tensor p = params[i];
      p.mutable_grad() = skipped ? Tensor() : make(pr["grads"][step][i], pr["shapes"][i]);
    }
  }

  void expect_step(const json& expected, double tol, const std::string& what) const {
    for (size_t i = 0; i < params.size(); ++i) {
      const std::vector<double> one = expected[i].get<std::vector<double>>();
      std::vector<double> e;
      for (int64_t r = 0; r < repeat; ++r) e.insert(e.end(), one.begin(), one.end());
      expect_close(params[i], e, tol, what + ", parameter " + std::to_string(i));
    }
  }
};

std::vector<ParamGroupSpec> group_specs(const json& c, const std::vector<Tensor>& params) {
  const GroupOptions defaults = options_from(c["options"]);
  if (!c.contains("groups") || c["groups"].is_null()) return {{params, defaults}};
  std::vector<ParamGroupSpec> specs;
  for (const json& g : c["groups"]) {
    ParamGroupSpec spec{{}, defaults};
    for (const json& i : g["params"]) spec.params.push_back(params[i.get<size_t>()]);
    const GroupOptions overrides = options_from(g["options"]);
    for (const auto& [name, value] : overrides.items()) spec.options.set(name, value);
    specs.push_back(std::move(spec));
  }
  return specs;
}

const json& skips(const json& c) {
  static const json none = json::array();
  return c.contains("skip") ? c["skip"] : none;
}

// Runs steps [from, to) of golden case `c` and checks the parameters after each.
void run_steps(const json& c, Optimizer& opt, Problem& pb, int from, int to) {
  const double tol = pb.dtype == kFloat64 ? kTol64 : kTol32;
  const char* key = pb.dtype == kFloat64 ? "float64" : "float32";
  for (int step = from; step < to; ++step) {
    pb.set_grads(step, skips(c));
    opt.step();
    pb.expect_step(c[key][step], tol, c["name"].get<std::string>() + " step " + std::to_string(step));
  }
}

void run_case(const json& c, Problem pb) {
  SCOPED_TRACE(c["name"].get<std::string>());
  auto opt = make_optimizer(c["optimizer"], group_specs(c, pb.params));
  run_steps(c, *opt, pb, 0, kSteps);
}

TEST(OptimizerGolden, TrajectoriesFloat64) {
  for (const json& c : golden()["optimizers"]) run_case(c, Problem(kFloat64));
}

TEST(OptimizerGolden, TrajectoriesFloat32) {
  for (const json& c : golden()["optimizers"]) run_case(c, Problem(kFloat32));
}

TEST(OptimizerGolden, LargeTensorsSplitAcrossThreads) {
  // 24000 copies: the weight has 144000 elements, above the parallel grain. The cases
  // cover every optimizer with most of its options on.
  const std::set<std::string> cases = {"sgd_maximize",  "sgd_nesterov", "sgd_groups", "adam_maximize",
                                       "adamw_amsgrad", "rmsprop_all",  "adagrad_all"};
  for (const json& c : golden()["optimizers"]) {
    if (!cases.count(c["name"])) continue;
    run_case(c, Problem(kFloat64, 24000));
    run_case(c, Problem(kFloat32, 24000));
  }
}

TEST(OptimizerGolden, NonContiguousParameter) {
  for (const json& c : golden()["optimizers"]) {
    Problem pb(kFloat64, 1, true);
    ASSERT_FALSE(pb.params[0].is_contiguous());
    run_case(c, pb);
  }
}

TEST(OptimizerGolden, FinalStateMatchesPyTorch) {
  for (const json& c : golden()["optimizers"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Problem pb(kFloat64);
    auto opt = make_optimizer(c["optimizer"], group_specs(c, pb.params));
    run_steps(c, *opt, pb, 0, kSteps);
    std::set<std::string> names;
    for (size_t i = 0; i < pb.params.size(); ++i)
      if (const ParamState* s = opt->state(pb.params[i]))
        for (const auto& [name, t] : s->items()) {
          const std::string key = std::to_string(i) + "." + name;
          names.insert(key);
          ASSERT_TRUE(c["state"].contains(key)) << "nabla has state " << key << ", PyTorch does not";
          expect_close(t, c["state"][key].get<std::vector<double>>(), kTol64, key);
        }
    EXPECT_EQ(names.size(), c["state"].size()) << "PyTorch has state that nabla does not";
  }
}

TEST(OptimizerGolden, StateDictRoundTrip) {
  // 5 steps, save, load into a fresh optimizer built with other options, 5 more steps:
  // the same trajectory as 10 straight steps.
  for (const json& c : golden()["optimizers"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Problem first(kFloat64);
    auto opt = make_optimizer(c["optimizer"], group_specs(c, first.params));
    run_steps(c, *opt, first, 0, 5);
    const StateDict saved = opt->state_dict();
    opt.reset();

    Problem second(kFloat64);
    for (size_t i = 0; i < second.params.size(); ++i) {
      NoGradGuard no_grad;
      second.params[i].copy_(first.params[i]);
    }
    std::vector<ParamGroupSpec> plain;
    for (const ParamGroupSpec& g : group_specs(c, second.params)) plain.push_back({g.params, {}});
    auto fresh = make_optimizer(c["optimizer"], std::move(plain));
    fresh->load_state_dict(saved);
    run_steps(c, *fresh, second, 5, kSteps);
  }
}

TEST(Optimizer, TypedOptionsMatchGolden) {
  auto check = [](const char* name, auto make) {
    SCOPED_TRACE(name);
    const json* c = nullptr;
    for (const json& x : golden()["optimizers"])
      if (x["name"] == name) c = &x;
    ASSERT_NE(c, nullptr);
    Problem pb(kFloat64);
    auto opt = make(pb.params);
    run_steps(*c, opt, pb, 0, kSteps);
  };
  check("sgd_nesterov",
        [](std::vector<Tensor> p) { return SGD(p, {.lr = 0.1, .momentum = 0.9, .nesterov = true}); });
  check("adam_betas_eps", [](std::vector<Tensor> p) {
    return Adam(p, {.lr = 0.05, .betas = {0.5, 0.8}, .eps = 1e-3});
  });
  check("adamw_amsgrad",
        [](std::vector<Tensor> p) { return AdamW(p, {.lr = 0.05, .weight_decay = 0.2, .amsgrad = true}); });
  check("rmsprop_centered", [](std::vector<Tensor> p) { return RMSprop(p, {.lr = 0.01, .centered = true}); });
  check("adagrad_lr_decay", [](std::vector<Tensor> p) { return Adagrad(p, {.lr = 0.1, .lr_decay = 0.05}); });
}

// ---- state_dict layout and loading --------------------------------------------------------

Tensor param(std::vector<double> v, const Shape& shape) { return from_vector(v, shape).requires_grad_(); }

void set_grad(Tensor p, const Tensor& g) { p.mutable_grad() = g; }

TEST(Optimizer, StateDictLayout) {
  Tensor w = param({1, 2, 3, 4}, {2, 2}), b = param({0.5, -0.5}, {2}), frozen = param({7}, {1});
  Adam opt({ParamGroupSpec{{w, frozen}, {}}, ParamGroupSpec{{b}, {{"lr", 0.5}}}},
           {.lr = 0.1, .amsgrad = true});
  set_grad(w, full({2, 2}, 0.1, {.dtype = kFloat64}));
  set_grad(b, full({2}, 0.2, {.dtype = kFloat64}));
  opt.step();
  opt.step();
  const StateDict sd = opt.state_dict();
  std::vector<std::string> keys;
  for (const auto& [k, t] : sd) keys.push_back(k);
  const std::vector<std::string> expected = {"state.0.step",           "state.0.exp_avg",
                                             "state.0.exp_avg_sq",     "state.0.max_exp_avg_sq",
                                             "state.2.step",           "state.2.exp_avg",
                                             "state.2.exp_avg_sq",     "state.2.max_exp_avg_sq",
                                             "param_groups.0.params",  "param_groups.0.lr",
                                             "param_groups.0.betas.0", "param_groups.0.betas.1",
                                             "param_groups.0.eps",     "param_groups.0.weight_decay",
                                             "param_groups.0.amsgrad", "param_groups.0.maximize",
                                             "param_groups.1.params",  "param_groups.1.lr",
                                             "param_groups.1.betas.0", "param_groups.1.betas.1",
                                             "param_groups.1.eps",     "param_groups.1.weight_decay",
                                             "param_groups.1.amsgrad", "param_groups.1.maximize"};
  EXPECT_EQ(keys, expected);
  auto get = [&](const std::string& k) {
    for (const auto& [name, t] : sd)
      if (name == k) return t;
    return Tensor();
  };
  EXPECT_EQ(get("state.0.step").dtype(), kFloat64);
  EXPECT_EQ(get("state.0.step").dim(), 0);
  EXPECT_EQ(get("state.0.step").item<double>(), 2);
  EXPECT_EQ(get("state.2.exp_avg").shape(), Shape{2});
  EXPECT_EQ(get("param_groups.0.params").to_vector<int64_t>(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(get("param_groups.1.params").to_vector<int64_t>(), (std::vector<int64_t>{2}));
  EXPECT_EQ(get("param_groups.1.lr").item<double>(), 0.5);
  EXPECT_EQ(get("param_groups.0.betas.1").item<double>(), 0.999);
  EXPECT_EQ(get("param_groups.0.amsgrad").item<double>(), 1);
  EXPECT_EQ(get("param_groups.0.lr").dtype(), kFloat64);
  // Copies: stepping on does not change a saved state dict.
  const double saved = get("state.0.exp_avg").to_vector<double>()[0];
  opt.step();
  EXPECT_EQ(get("state.0.exp_avg").to_vector<double>()[0], saved);
}

TEST(Optimizer, LoadStateDictConvertsFloat32State) {
  // A state dict written for float32 parameters (PyTorch's float32 "step" too) loads into
  // float64 ones, converted.
  Tensor w32 = param({1, 2}, {2}).detach().to(kFloat32).requires_grad_();
  SGD a({w32}, {.lr = 0.1, .momentum = 0.9});
  set_grad(w32, full({2}, 1.0));
  a.step();
  Tensor w64 = param({1, 2}, {2});
  SGD b({w64}, {.lr = 0.1, .momentum = 0.9});
  b.load_state_dict(a.state_dict());
  EXPECT_EQ(b.state(w64)->at("momentum_buffer").dtype(), kFloat64);
  EXPECT_EQ(b.state(w64)->at("momentum_buffer").to_vector<double>(), (std::vector<double>{1, 1}));
}

TEST(Optimizer, LoadStateDictRejectsMismatchesAndChangesNothing) {
  Tensor w = param({1, 2, 3, 4}, {2, 2}), b = param({0.5, -0.5}, {2});
  auto build = [&](SGD& opt) {
    set_grad(w, full({2, 2}, 0.1, {.dtype = kFloat64}));
    set_grad(b, full({2}, 0.2, {.dtype = kFloat64}));
    opt.step();
  };
  SGD source({w, b}, {.lr = 0.1, .momentum = 0.9});
  build(source);
  const StateDict good = source.state_dict();

  Tensor w2 = param({1, 2, 3, 4}, {2, 2}), b2 = param({0.5, -0.5}, {2});
  SGD target({w2, b2}, {.lr = 0.3});
  auto expect_rejected = [&](StateDict sd, const std::string& message) {
    try {
      target.load_state_dict(sd);
      ADD_FAILURE() << "no error; expected one mentioning " << message;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
    EXPECT_EQ(target.param_groups()[0].options.at("lr"), 0.3);
    EXPECT_EQ(target.param_groups()[0].options.at("momentum"), 0);
    EXPECT_EQ(target.state(w2), nullptr);
  };
  auto replace = [&](std::vector<std::pair<std::string, Tensor>> changes) {
    StateDict sd = good;
    for (auto& [k, v] : sd)
      for (const auto& [key, t] : changes)
        if (k == key) v = t;
    return sd;
  };
  const auto f64 = [](double v) { return scalar_tensor(v, {.dtype = kFloat64}); };
  expect_rejected(replace({{"state.0.momentum_buffer", zeros({4}, {.dtype = kFloat64})}}), "shape");
  expect_rejected(replace({{"param_groups.0.params", from_vector(std::vector<int64_t>{0}, {1})}}),
                  "has 2 parameters");
  expect_rejected(replace({{"param_groups.0.lr", f64(-1)}}), "invalid learning rate");
  expect_rejected(replace({{"param_groups.0.momentum", f64(-1)}}), "invalid momentum");
  expect_rejected(replace({{"param_groups.0.nesterov", f64(1)}, {"param_groups.0.dampening", f64(0.5)}}),
                  "Nesterov");
  StateDict extra = good;
  extra.emplace_back("bogus", scalar_tensor(1));
  expect_rejected(extra, "unexpected key 'bogus'");
  StateDict no_momentum;
  for (const auto& [k, v] : good)
    if (k != "param_groups.0.momentum") no_momentum.emplace_back(k, v);
  expect_rejected(no_momentum, "has no 'momentum'");
  StateDict other_param = good;
  other_param.emplace_back("state.5.momentum_buffer", zeros({2}, {.dtype = kFloat64}));
  expect_rejected(other_param, "refers to no parameter");

  // And the good one loads: options and state as saved.
  target.load_state_dict(good);
  EXPECT_EQ(target.param_groups()[0].options.at("lr"), 0.1);
  EXPECT_EQ(target.param_groups()[0].options.at("momentum"), 0.9);
  EXPECT_EQ(target.state(w2)->at("momentum_buffer").to_vector<double>(),
            (std::vector<double>{0.1, 0.1, 0.1, 0.1}));
}

// ---- construction, options and steps ---------------------------------------------------------

using nabla::testing::expect_error;

TEST(Optimizer, RejectsInvalidConstruction) {
  Tensor w = param({1, 2}, {2});
  expect_error([&] { SGD({w}, {}); }, "required optimization parameter lr");
  expect_error([&] { SGD({w}, {.lr = -1}); }, "invalid learning rate: -1");
  expect_error([&] { SGD({w}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .nesterov = true}); },
               "Nesterov");
  expect_error([&] { SGD({w}, {.lr = 0.1, .nesterov = true}); }, "Nesterov");
  expect_error([&] { Adam({w}, {.betas = {0.9, 1.0}}); }, "invalid beta parameter at index 1");
  expect_error([&] { Adam({w}, {.eps = -1}); }, "invalid epsilon");
  expect_error([&] { RMSprop({w}, {.alpha = -0.5}); }, "invalid alpha");
  expect_error([&] { Adagrad({w}, {.lr_decay = -1}); }, "invalid lr_decay");
  expect_error([&] { Adam(std::vector<ParamGroupSpec>{}, {}); }, "empty parameter list");
  expect_error([&] { SGD({w, w}, {.lr = 0.1}); }, "more than once");
  expect_error([&] { Adam({ParamGroupSpec{{w}, {{"momentum", 0.9}}}}, {}); }, "unknown option 'momentum'");
  const Tensor non_leaf = mul(w, 2.0);
  expect_error([&] { Adam({non_leaf}); }, "non-leaf");
  expect_error([&] { Adam({zeros({2}, {.dtype = kInt64})}); }, "floating-point");
  // A group may set the required lr that the defaults lack.
  SGD ok({ParamGroupSpec{{w}, {{"lr", 0.5}}}}, {});
  EXPECT_EQ(ok.param_groups()[0].options.at("lr"), 0.5);
}

TEST(Optimizer, AddParamGroup) {
  Tensor w = param({1, 2}, {2}), b = param({3}, {1});
  SGD opt({w}, {.lr = 0.1});
  expect_error([&] { opt.add_param_group({{w}, {}}); }, "more than once");
  expect_error([&] { opt.add_param_group({{b}, {{"lr", -0.1}}}); }, "invalid learning rate");
  ASSERT_EQ(opt.param_groups().size(), 1u);
  opt.add_param_group({{b}, {{"lr", 1.0}}});
  ASSERT_EQ(opt.param_groups().size(), 2u);
  set_grad(w, full({2}, 1.0, {.dtype = kFloat64}));
  set_grad(b, full({1}, 1.0, {.dtype = kFloat64}));
  opt.step();
  expect_close(w, {0.9, 1.9}, 1e-15, "w");
  expect_close(b, {2.0}, 1e-15, "b");
}

TEST(Optimizer, StepSkipsMissingGradientsAndBumpsVersions) {
  Tensor w = param({1, 2}, {2}), b = param({3}, {1});
  Adam opt({w, b}, {.lr = 0.1});
  set_grad(w, full({2}, 1.0, {.dtype = kFloat64}));
  const uint32_t vw = w.storage()->version(), vb = b.storage()->version();
  opt.step();
  EXPECT_EQ(w.storage()->version(), vw + 1);
  EXPECT_EQ(b.storage()->version(), vb);
  EXPECT_EQ(opt.state(b), nullptr);
  EXPECT_EQ(opt.state(w)->at("step").item<double>(), 1);
  EXPECT_EQ(b.item<double>(), 3);
  // The update ran without recording: the parameter is still a leaf.
  EXPECT_TRUE(w.is_leaf());
  EXPECT_EQ(w.grad_fn(), nullptr);
}

TEST(Optimizer, ZeroGrad) {
  Tensor w = param({1, 2}, {2});
  SGD opt({w}, {.lr = 0.1});
  set_grad(w, full({2}, 1.0, {.dtype = kFloat64}));
  opt.zero_grad(false);
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().to_vector<double>(), (std::vector<double>{0, 0}));
  opt.zero_grad();
  EXPECT_FALSE(w.grad().defined());
}

TEST(Optimizer, RejectsGradientsOrStateThatNoLongerMatch) {
  Tensor w = param({1, 2}, {2});
  Adam opt({w}, {.lr = 0.1});
  set_grad(w, full({2}, 1.0));  // float32 gradient of a float64 parameter
  expect_error([&] { opt.step(); }, "does not match its parameter");
  set_grad(w, full({2}, 1.0, {.dtype = kFloat64}));
  opt.step();
  // The parameter converted in place after a step, as Module::to does.
  {
    NoGradGuard no_grad;
    const Tensor c = w.detach().to(kFloat32);
    w.impl()->storage = c.storage();
    w.impl()->dtype = kFloat32;
  }
  set_grad(w, full({2}, 1.0));
  expect_error([&] { opt.step(); }, "state 'exp_avg' (float64");
}

TEST(Optimizer, UsesTheGroupLrAtEachStep) {
  Tensor w = param({1}, {1});
  SGD opt({w}, {.lr = 0.1});
  set_grad(w, full({1}, 1.0, {.dtype = kFloat64}));
  opt.step();
  opt.param_groups()[0].options.at("lr") = 0.5;
  opt.step();
  EXPECT_NEAR(w.item<double>(), 1 - 0.1 - 0.5, 1e-15);
}

}  // namespace
}  // namespace nabla::optim::testing
