// Tensor ops against PyTorch 1.13 (tests/data/golden_ops.json, made by
// scripts/golden/make_ops.py): for each case, nabla's outputs and the gradients of
// sum(output * W) with respect to every float input, in float64, to 1e-10 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "tests/golden.h"

namespace nabla {
namespace {

using nabla::testing::json;
using Tensors = std::vector<Tensor>;

using nabla::testing::shape_of;

const json& golden() { return nabla::testing::golden("golden_ops.json"); }
Tensor decode(const json& t) { return nabla::testing::tensor_of(t); }

// Exact for integer tensors; |got - want| <= 1e-10 |want| + 1e-14 for float64.
void expect_matches(const Tensor& got, const json& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << " is undefined";
  if (want["dtype"] != "float64") {
    ASSERT_EQ(got.shape(), shape_of(want)) << what;
    EXPECT_EQ(got.dtype(), kInt64) << what;
    EXPECT_EQ(got.to_vector<int64_t>(), want["data"].get<std::vector<int64_t>>()) << what;
    return;
  }
  ASSERT_EQ(got.dtype(), kFloat64) << what;
  nabla::testing::expect_close(got, want, 1e-10, 1e-14, what);
}

DimList dims_of(const json& o) { return Shape(o.at("dims").get<std::vector<int64_t>>()); }
double real(const json& o, const char* key) { return o.at(key).get<double>(); }
int64_t integer(const json& o, const char* key) { return o.at(key).get<int64_t>(); }
bool flag(const json& o, const char* key) { return o.at(key).get<bool>(); }

// The nabla side of each "op" in the file; options carry the op's arguments.
using Op = std::function<Tensors(const Tensors& x, const json& o)>;

const std::map<std::string, Op>& ops() {
  static const std::map<std::string, Op> table = {
      {"add", [](const Tensors& x, const json& o) -> Tensors { return {add(x[0], x[1], real(o, "alpha"))}; }},
      {"sub", [](const Tensors& x, const json& o) -> Tensors { return {sub(x[0], x[1], real(o, "alpha"))}; }},
      {"mul", [](const Tensors& x, const json&) -> Tensors { return {mul(x[0], x[1])}; }},
      {"div", [](const Tensors& x, const json&) -> Tensors { return {div(x[0], x[1])}; }},
      {"pow", [](const Tensors& x, const json&) -> Tensors { return {pow(x[0], x[1])}; }},
      {"pow_scalar",
       [](const Tensors& x, const json& o) -> Tensors { return {pow(x[0], real(o, "exponent"))}; }},
      {"minimum", [](const Tensors& x, const json&) -> Tensors { return {minimum(x[0], x[1])}; }},
      {"maximum", [](const Tensors& x, const json&) -> Tensors { return {maximum(x[0], x[1])}; }},
      {"where", [](const Tensors& x, const json&) -> Tensors { return {where(x[0], x[1], x[2])}; }},
      {"exp", [](const Tensors& x, const json&) -> Tensors { return {exp(x[0])}; }},
      {"log", [](const Tensors& x, const json&) -> Tensors { return {log(x[0])}; }},
      {"sqrt", [](const Tensors& x, const json&) -> Tensors { return {sqrt(x[0])}; }},
      {"sigmoid", [](const Tensors& x, const json&) -> Tensors { return {sigmoid(x[0])}; }},
      {"tanh", [](const Tensors& x, const json&) -> Tensors { return {tanh(x[0])}; }},
      {"relu", [](const Tensors& x, const json&) -> Tensors { return {relu(x[0])}; }},
      {"leaky_relu",
       [](const Tensors& x, const json& o) -> Tensors {
         return {leaky_relu(x[0], real(o, "negative_slope"))};
       }},
      {"elu", [](const Tensors& x, const json& o) -> Tensors { return {elu(x[0], real(o, "alpha"))}; }},
      {"clamp",
       [](const Tensors& x, const json& o) -> Tensors {
         return {clamp(x[0], real(o, "min"), real(o, "max"))};
       }},
      {"gelu",
       [](const Tensors& x, const json& o) -> Tensors {
         return {gelu(x[0], o.at("approximate").get<std::string>())};
       }},
      {"softplus",
       [](const Tensors& x, const json& o) -> Tensors {
         return {softplus(x[0], real(o, "beta"), real(o, "threshold"))};
       }},
      {"matmul", [](const Tensors& x, const json&) -> Tensors { return {matmul(x[0], x[1])}; }},
      {"addmm",
       [](const Tensors& x, const json& o) -> Tensors {
         return {addmm(x[0], x[1], x[2], real(o, "beta"), real(o, "alpha"))};
       }},
      {"linear", [](const Tensors& x, const json&) -> Tensors { return {linear(x[0], x[1], x[2])}; }},
      {"sum",
       [](const Tensors& x, const json& o) -> Tensors {
         return {o.contains("dims") ? sum(x[0], dims_of(o), flag(o, "keepdim")) : sum(x[0])};
       }},
      {"mean",
       [](const Tensors& x, const json& o) -> Tensors {
         return {o.contains("dims") ? mean(x[0], dims_of(o), flag(o, "keepdim")) : mean(x[0])};
       }},
      {"prod",
       [](const Tensors& x, const json& o) -> Tensors {
         return {prod(x[0], integer(o, "dim"), flag(o, "keepdim"))};
       }},
      {"var",
       [](const Tensors& x, const json& o) -> Tensors {
         return {o.contains("dims") ? var(x[0], dims_of(o), flag(o, "unbiased"), flag(o, "keepdim"))
                                    : var(x[0], flag(o, "unbiased"))};
       }},
      {"std",
       [](const Tensors& x, const json& o) -> Tensors {
         return {o.contains("dims") ? std(x[0], dims_of(o), flag(o, "unbiased"), flag(o, "keepdim"))
                                    : std(x[0], flag(o, "unbiased"))};
       }},
      {"logsumexp",
       [](const Tensors& x, const json& o) -> Tensors {
         return {logsumexp(x[0], dims_of(o), flag(o, "keepdim"))};
       }},
      {"softmax",
       [](const Tensors& x, const json& o) -> Tensors { return {softmax(x[0], integer(o, "dim"))}; }},
      {"log_softmax",
       [](const Tensors& x, const json& o) -> Tensors { return {log_softmax(x[0], integer(o, "dim"))}; }},
      {"max_dim",
       [](const Tensors& x, const json& o) -> Tensors {
         auto [values, indices] = max(x[0], integer(o, "dim"), flag(o, "keepdim"));
         return {values, indices};
       }},
      {"norm",
       [](const Tensors& x, const json& o) -> Tensors {
         return {o.contains("dims") ? norm(x[0], real(o, "p"), dims_of(o)) : norm(x[0], real(o, "p"))};
       }},
      {"gather",
       [](const Tensors& x, const json& o) -> Tensors { return {gather(x[0], integer(o, "dim"), x[1])}; }},
      {"index_select",
       [](const Tensors& x, const json& o) -> Tensors {
         return {index_select(x[0], integer(o, "dim"), x[1])};
       }},
      {"cat",
       [](const Tensors& x, const json& o) -> Tensors {
         return {cat({x[0], x[1], x[2]}, integer(o, "dim"))};
       }},
      {"transpose_reshape_slice",
       [](const Tensors& x, const json&) -> Tensors {
         return {x[0].transpose(0, 2).reshape({4, 6}).slice(1, 1, 6, 2)};
       }},
      {"permute_flatten_mul",
       [](const Tensors& x, const json&) -> Tensors {
         return {mul(x[0].permute({2, 0, 1}).flatten(1).t().reshape({3, 2, 4}), x[1])};
       }},
  };
  return table;
}

const json* find_case(const std::string& name) {
  for (const json& c : golden()["cases"])
    if (c["name"] == name) return &c;
  return nullptr;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const json& c : golden()["cases"]) names.push_back(c["name"]);
  return names;
}

TEST(GoldenFile, CoversTheOpList) {
  ASSERT_GE(golden()["cases"].size(), 40u) << "missing or truncated " NABLA_TEST_DATA "/golden_ops.json";
  std::set<std::string> in_file;
  for (const json& c : golden()["cases"]) {
    const std::string op = c["op"];
    in_file.insert(op);
    EXPECT_TRUE(ops().contains(op)) << "no nabla op registered for '" << op << "'";
  }
  for (const auto& [op, fn] : ops())
    EXPECT_TRUE(in_file.contains(op)) << "registered op without a case: " << op;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, OutputsAndGradients) {
  const json* c = find_case(GetParam());
  ASSERT_NE(c, nullptr);
  const std::string op = (*c)["op"];
  ASSERT_TRUE(ops().contains(op)) << "no nabla op registered for '" << op << "'";

  Tensors inputs;
  for (const json& t : (*c)["inputs"]) {
    Tensor x = decode(t);
    if (x.dtype() == kFloat64) x.requires_grad_();
    inputs.push_back(x);
  }
  const Tensors outputs = ops().at(op)(inputs, (*c)["options"]);
  ASSERT_EQ(outputs.size(), (*c)["outputs"].size());
  for (size_t k = 0; k < outputs.size(); ++k)
    expect_matches(outputs[k], (*c)["outputs"][k], "output " + std::to_string(k));

  ASSERT_TRUE(outputs[0].requires_grad());
  mul(outputs[0], decode((*c)["weight"])).sum().backward();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const json& want = (*c)["grads"][i];
    if (want.is_null()) continue;  // an index or mask input
    expect_matches(inputs[i].grad(), want, "gradient of input " + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, Golden, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace nabla
