// The ELBO's terms and whole generative models against PyTorch 1.13
// (tests/data/golden_generative.json, made by scripts/golden/make_generative.py), in float64:
// values and gradients of the per-sample likelihoods, the β-weighted loss, and each model's loss
// terms and parameter gradients for given weights, batch and reparameterisation noise.
#include "tests/golden.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace nabla::generative {
namespace {

using nabla::testing::json;
using nabla::testing::tensor_of;

const json& golden() { return nabla::testing::golden("golden_generative.json"); }

void expect_close(const Tensor& got, const json& expected, const std::string& what) {
  ASSERT_EQ(got.dtype(), kFloat64) << what;
  nabla::testing::expect_close(got, expected, 1e-10, 1e-12, what);
}

TEST(GenerativeGolden, LikelihoodsAndTheirGradientsMatchPyTorch) {
  for (const json& c : golden()["terms"]) {
    const std::string name = c["name"];
    std::map<std::string, Tensor> args;
    for (const auto& [k, v] : c["args"].items())
      args[k] = tensor_of(v).requires_grad_(c["grads"].contains(k));
    const Tensor out = name == "bernoulli_nll" ? bernoulli_nll(args["x"], args["logits"])
                                               : gaussian_nll(args["x"], args["mu"], args["logvar"]);
    expect_close(out, c["output"], name);
    out.backward(tensor_of(c["grad_output"]));
    for (const auto& [k, g] : c["grads"].items()) expect_close(args[k].grad(), g, name + " d/d" + k);
  }
}

TEST(GenerativeGolden, BetaWeightedELBOMatchesPyTorch) {
  for (const json& c : golden()["elbo"]) {
    const ELBOOptions options{
        .beta = c["beta"].get<double>(),
        .reduction = c["reduction"] == "sum" ? nn::Reduction::Sum : nn::Reduction::Mean};
    const ELBO terms = elbo_loss(tensor_of(c["reconstruction"]), tensor_of(c["kl"]), options);
    expect_close(terms.loss, c["loss"], "elbo beta " + std::to_string(options.beta));
  }
}

nn::Activation activation_of(const json& options) {
  return options["activation"] == "tanh" ? nn::Activation::Tanh : nn::Activation::ReLU;
}

GaussianNetwork gaussian_network(const json& sizes, const json& options) {
  return GaussianNetwork(
      {.sizes = sizes.get<std::vector<int64_t>>(), .activation = activation_of(options), .dtype = kFloat64});
}

Decoder decoder_of(const json& o) {
  const bool learned = o["learned_variance"];
  return Decoder({.sizes = o["decoder"].get<std::vector<int64_t>>(),
                  .activation = activation_of(o),
                  .likelihood = learned ? Likelihood::Gaussian : Likelihood::Bernoulli,
                  .learned_variance = learned,
                  .dtype = kFloat64});
}

// Loads the case's weights (by name, strictly: the layouts must agree) and checks the loss terms
// and every parameter's gradient.
void expect_model_matches(nn::Module& model, const json& c,
                          const std::function<ELBO(const ELBOOptions&)>& loss) {
  const std::string name = c["name"];
  std::vector<std::string> names;
  for (const auto& [n, p] : model.named_parameters()) names.push_back(n);
  EXPECT_EQ(names, c["parameter_names"].get<std::vector<std::string>>()) << name;
  nn::StateDict state;
  for (const auto& [k, v] : c["state_dict"].items()) state.emplace_back(k, tensor_of(v));
  model.load_state_dict(state);
  const ELBO terms = loss({.beta = c["beta"].get<double>(),
                           .reduction = c["reduction"] == "sum" ? nn::Reduction::Sum : nn::Reduction::Mean});
  expect_close(terms.loss, c["loss"], name + " loss");
  expect_close(terms.reconstruction, c["reconstruction"], name + " reconstruction");
  expect_close(terms.kl, c["kl"], name + " kl");
  terms.loss.backward();
  for (const auto& [n, p] : model.named_parameters())
    expect_close(p.grad(), c["grads"][n], name + " d/d" + n);
}

TEST(GenerativeGolden, VAEsMatchPyTorch) {
  int cases = 0;
  for (const json& c : golden()["models"]) {
    if (c["name"].get<std::string>().rfind("vae_", 0) != 0) continue;
    ++cases;
    const json& o = c["options"];
    VAE vae(gaussian_network(o["encoder"], o), decoder_of(o));
    const Tensor x = tensor_of(c["batch"]["x"]), eps = tensor_of(c["batch"]["eps"]);
    expect_model_matches(vae, c, [&](const ELBOOptions& options) { return vae.loss(x, options, eps); });
  }
  EXPECT_EQ(cases, 2);
}

TEST(GenerativeGolden, ConditionalVAEsMatchPyTorch) {
  int cases = 0;
  for (const json& c : golden()["models"]) {
    if (c["name"].get<std::string>().rfind("cvae_", 0) != 0) continue;
    ++cases;
    const json& o = c["options"];
    ConditionalVAE cvae(
        gaussian_network(o["encoder"], o), decoder_of(o),
        o["prior"].empty() ? nullptr : std::make_unique<GaussianNetwork>(gaussian_network(o["prior"], o)),
        {.encoder_sees_condition = o["encoder_sees_condition"],
         .decoder_sees_condition = o["decoder_sees_condition"]});
    const Tensor x = tensor_of(c["batch"]["x"]), cond = tensor_of(c["batch"]["c"]),
                 eps = tensor_of(c["batch"]["eps"]);
    expect_model_matches(cvae, c,
                         [&](const ELBOOptions& options) { return cvae.loss(x, cond, options, eps); });
  }
  EXPECT_EQ(cases, 2);
}

}  // namespace
}  // namespace nabla::generative
