// A model nesting every container, checked against the same model built in PyTorch:
// state_dict keys, module names and the printed tree must be identical.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

using testing::golden;

struct Nested : Module {
  Sequential features{Linear({.in_features = 4, .out_features = 8}), ReLU(),
                      Sequential(Linear({.in_features = 8, .out_features = 8, .bias = false}),
                                 BatchNorm1d({.num_features = 8}))};
  ModuleDict heads;
  Embedding emb{{.num_embeddings = 10, .embedding_dim = 4, .padding_idx = 0}};

  Nested() {
    heads.insert("policy", Linear({.in_features = 8, .out_features = 2}));
    heads.insert("value", ModuleList(Linear({.in_features = 8, .out_features = 1}), LayerNorm({.normalized_shape = {1}})));
    register_module("features", &Nested::features);
    register_module("heads", &Nested::heads);
    register_module("emb", &Nested::emb);
  }
  std::string type_name() const override { return "Nested"; }
};

TEST(NestedModules, StateDictKeysMatchPyTorch) {
  Nested net;
  EXPECT_EQ(testing::keys(net.state_dict()), golden()["state_dict_keys"]["Nested"].get<std::vector<std::string>>());
  std::vector<std::string> names;
  for (const auto& [name, m] : net.named_modules()) names.push_back(name);
  EXPECT_EQ(names, golden()["named_modules"].get<std::vector<std::string>>());
}

TEST(NestedModules, PrintsLikePyTorch) { EXPECT_EQ(testing::repr(Nested()), golden()["repr"]["Nested"]); }

TEST(NestedModules, StateDictRoundTripsIntoAnotherInstance) {
  Nested a, b;
  a.features(randn({3, 4}));  // moves the batch norm's running statistics
  b.load_state_dict(a.state_dict());
  const auto sa = a.state_dict(), sb = b.state_dict();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(equal(sa[i].second, sb[i].second)) << sa[i].first;
  EXPECT_EQ(b.features[2].named_buffers().back().second.item<int64_t>(), 1);
}

}  // namespace
}  // namespace nabla::nn
