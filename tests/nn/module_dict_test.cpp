#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

TEST(ModuleDict, KeepsInsertionOrderAndNamesByKey) {
  ModuleDict dict;
  dict.insert("encoder", Linear({.in_features = 4, .out_features = 2}));
  dict.insert("act", Sigmoid());
  Linear& decoder = dict.insert("decoder", Linear({.in_features = 2, .out_features = 4}));
  EXPECT_EQ(dict.keys(), (std::vector<std::string>{"encoder", "act", "decoder"}));
  EXPECT_EQ(&dict["decoder"], &decoder);
  EXPECT_TRUE(dict.contains("act"));
  EXPECT_FALSE(dict.contains("missing"));
  EXPECT_THROW(dict["missing"], Error);
  EXPECT_THROW(dict.at<Linear>("act"), Error);
  EXPECT_EQ(testing::keys(dict.state_dict()),
            (std::vector<std::string>{"encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"}));
  std::vector<std::string> seen;
  for (auto&& [key, module] : dict) seen.push_back(key + ":" + module.type_name());
  EXPECT_EQ(seen, (std::vector<std::string>{"encoder:Linear", "act:Sigmoid", "decoder:Linear"}));
}

TEST(ModuleDict, ReplacingAKeyKeepsItsPosition) {
  ModuleDict dict;
  dict.insert("a", Linear({.in_features = 1, .out_features = 1}));
  dict.insert("b", Tanh());
  dict.insert("a", Linear({.in_features = 3, .out_features = 2}));
  EXPECT_EQ(dict.size(), 2u);
  EXPECT_EQ(dict.keys(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(dict.at<Linear>("a").weight.shape(), Shape({2, 3}));
  EXPECT_EQ(dict.named_parameters().front().second.shape(), Shape({2, 3}));
}

TEST(ModuleDict, RejectsBadKeys) {
  ModuleDict dict;
  EXPECT_THROW(dict.insert("", ReLU()), Error);
  EXPECT_THROW(dict.insert("a.b", ReLU()), Error);
  EXPECT_THROW(dict.insert("a", std::unique_ptr<Module>()), Error);
  EXPECT_TRUE(dict.empty());
}

}  // namespace
}  // namespace nabla::nn
