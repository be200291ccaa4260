// Every loss against PyTorch 1.13 (tests/data/golden_losses.json, made by
// scripts/golden/make_losses.py): outputs and the gradients of every differentiable
// argument, in float64, through both the functional and the module form.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "nabla/nn/loss.h"
#include "tests/golden.h"

namespace nabla::nn {
namespace {

namespace F = functional;
using nabla::testing::json;

using nabla::testing::number;
using nabla::testing::tensor_of;

const json& golden() { return nabla::testing::golden("golden_losses.json"); }

Tensor decode(const json& t, bool requires_grad) {
  Tensor out = tensor_of(t);
  if (requires_grad) out.requires_grad_();
  return out;
}

void expect_close(const Tensor& got, const json& expected, const std::string& what) {
  ASSERT_EQ(got.dtype(), kFloat64) << what;
  nabla::testing::expect_close(got, expected, 1e-10, 1e-14, what);
}

Reduction reduction_of(const json& options) {
  const std::string r = options.value("reduction", "mean");
  return r == "none" ? Reduction::None : r == "sum" ? Reduction::Sum : Reduction::Mean;
}

KLDivReduction kl_reduction_of(const json& options) {
  const std::string r = options.value("reduction", "mean");
  if (r == "batchmean") return KLDivReduction::BatchMean;
  return r == "none" ? KLDivReduction::None : r == "sum" ? KLDivReduction::Sum : KLDivReduction::Mean;
}

using Args = std::map<std::string, Tensor>;

Tensor arg(const Args& args, const std::string& name) {
  auto it = args.find(name);
  return it == args.end() ? Tensor() : it->second;
}

// Calls the case's loss, as the functional form or (where there is one) the module.
Tensor call(const json& c, const Args& a, bool module) {
  const std::string fn = c["fn"];
  const json& o = c["options"];
  const Tensor x = arg(a, "input"), t = arg(a, "target");
  const Reduction r = reduction_of(o);
  if (fn == "mse_loss") return module ? MSELoss({.reduction = r})(x, t) : F::mse_loss(x, t, {.reduction = r});
  if (fn == "l1_loss") return module ? L1Loss({.reduction = r})(x, t) : F::l1_loss(x, t, {.reduction = r});
  if (fn == "smooth_l1_loss") {
    const SmoothL1LossOptions opt{.reduction = r, .beta = o["beta"]};
    return module ? SmoothL1Loss(opt)(x, t) : F::smooth_l1_loss(x, t, opt);
  }
  if (fn == "huber_loss") {
    const HuberLossOptions opt{.reduction = r, .delta = o["delta"]};
    return module ? HuberLoss(opt)(x, t) : F::huber_loss(x, t, opt);
  }
  if (fn == "gaussian_nll_loss") {
    const GaussianNLLLossOptions opt{.full = o["full"], .eps = o["eps"], .reduction = r};
    return module ? GaussianNLLLoss(opt)(x, t, a.at("var")) : F::gaussian_nll_loss(x, t, a.at("var"), opt);
  }
  if (fn == "binary_cross_entropy") {
    const BCELossOptions opt{.weight = arg(a, "weight"), .reduction = r};
    return module ? BCELoss(opt)(x, t) : F::binary_cross_entropy(x, t, opt);
  }
  if (fn == "binary_cross_entropy_with_logits") {
    const BCEWithLogitsLossOptions opt{
        .weight = arg(a, "weight"), .reduction = r, .pos_weight = arg(a, "pos_weight")};
    return module ? BCEWithLogitsLoss(opt)(x, t) : F::binary_cross_entropy_with_logits(x, t, opt);
  }
  if (fn == "nll_loss") {
    const NLLLossOptions opt{
        .weight = arg(a, "weight"), .ignore_index = o.value("ignore_index", -100), .reduction = r};
    return module ? NLLLoss(opt)(x, t) : F::nll_loss(x, t, opt);
  }
  if (fn == "cross_entropy") {
    const CrossEntropyLossOptions opt{.weight = arg(a, "weight"),
                                      .ignore_index = o.value("ignore_index", -100),
                                      .reduction = r,
                                      .label_smoothing = o.value("label_smoothing", 0.0)};
    return module ? CrossEntropyLoss(opt)(x, t) : F::cross_entropy(x, t, opt);
  }
  if (fn == "kl_div") {
    const KLDivLossOptions opt{.reduction = kl_reduction_of(o), .log_target = o["log_target"]};
    return module ? KLDivLoss(opt)(x, t) : F::kl_div(x, t, opt);
  }
  if (fn == "kl_normal_standard") return F::kl_normal_standard(a.at("mu"), a.at("logvar"));
  if (fn == "kl_normal_normal")
    return F::kl_normal_normal(a.at("mu1"), a.at("logvar1"), a.at("mu2"), a.at("logvar2"));
  ADD_FAILURE() << "unknown loss " << fn;
  return Tensor();
}

class LossGolden : public ::testing::TestWithParam<int> {};

TEST_P(LossGolden, MatchesPyTorch) {
  const json& c = golden()["cases"][GetParam()];
  const json& grads = c["grads"];
  for (bool module : {false, true}) {
    SCOPED_TRACE(std::string(c["name"]) + (module ? " (module)" : " (functional)"));
    Args args;
    std::vector<std::string> names;
    std::vector<Tensor> inputs;
    for (const auto& [name, t] : c["args"].items()) {
      args[name] = decode(t, grads.contains(name));
      if (grads.contains(name)) {
        names.push_back(name);
        inputs.push_back(args[name]);
      }
    }
    const Tensor out = call(c, args, module);
    ASSERT_TRUE(out.defined());
    expect_close(out, c["output"], "output");
    if (inputs.empty()) continue;
    const std::vector<Tensor> g = autograd::grad({out}, inputs, {decode(c["grad_output"], false)});
    for (size_t i = 0; i < g.size(); ++i) expect_close(g[i], grads[names[i]], "d/d" + names[i]);
  }
}

std::string case_name(const ::testing::TestParamInfo<int>& info) {
  std::string s = golden()["cases"][info.param]["name"];
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Losses, LossGolden, ::testing::Range(0, static_cast<int>(golden()["cases"].size())),
                         case_name);

// The file covers every loss with every reduction it accepts.
TEST(LossGoldenCoverage, EveryLossAndReduction) {
  std::map<std::string, std::set<std::string>> seen;
  for (const json& c : golden()["cases"]) seen[c["fn"]].insert(c["options"].value("reduction", "-"));
  for (const char* fn :
       {"mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "gaussian_nll_loss", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy"})
    EXPECT_EQ(seen[fn], (std::set<std::string>{"none", "mean", "sum"})) << fn;
  EXPECT_EQ(seen["kl_div"], (std::set<std::string>{"none", "mean", "sum", "batchmean"}));
  EXPECT_EQ(seen["kl_normal_standard"].size(), 1u);
  EXPECT_EQ(seen["kl_normal_normal"].size(), 1u);
}

}  // namespace
}  // namespace nabla::nn
