#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

TEST(ModuleList, OwnsIndexesAndIteratesItsModules) {
  ModuleList list(Linear({.in_features = 2, .out_features = 3}), ReLU());
  Linear& added = list.push_back(Linear({.in_features = 3, .out_features = 1, .bias = false}));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(&list[2], &added);
  EXPECT_EQ(&list[-1], &added);
  EXPECT_EQ(list[1].type_name(), "ReLU");
  EXPECT_EQ(list.at<Linear>(0).weight.shape(), Shape({3, 2}));
  EXPECT_THROW(list.at<Linear>(1), Error);
  EXPECT_THROW(list[3], Error);
  EXPECT_THROW(list[-4], Error);
  std::vector<std::string> types;
  for (Module& m : list) types.push_back(m.type_name());
  EXPECT_EQ(types, (std::vector<std::string>{"Linear", "ReLU", "Linear"}));
}

TEST(ModuleList, NamesParametersByPosition) {
  ModuleList list(Linear({.in_features = 2, .out_features = 3}), Tanh(), Linear({.in_features = 3, .out_features = 1}));
  EXPECT_EQ(testing::keys(list.state_dict()), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(list.num_parameters(), 6 + 3 + 3 + 1);
}

TEST(ModuleList, DrivesAForwardWrittenByItsOwner) {
  struct Net : Module {
    ModuleList layers;
    Net() {
      for (int i = 0; i < 3; ++i) layers.push_back(Linear({.in_features = 4, .out_features = 4}));
      register_module("layers", &Net::layers);
    }
    Tensor forward(Tensor x) {
      for (Module& m : layers) x = relu(static_cast<UnaryModule&>(m)(x));
      return x;
    }
  };
  Net net;
  EXPECT_EQ(testing::keys(net.named_parameters()),
            (std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                      "layers.2.weight", "layers.2.bias"}));
  Net moved = std::move(net);  // registrations are relative to the object
  const Tensor y = moved.forward(ones({2, 4}));
  y.sum().backward();
  EXPECT_TRUE(moved.layers.at<Linear>(0).weight.grad().defined());
  EXPECT_EQ(moved.parameters().size(), 6u);
}

TEST(ModuleList, RejectsNull) { EXPECT_THROW(ModuleList().append(nullptr), Error); }

}  // namespace
}  // namespace nabla::nn
