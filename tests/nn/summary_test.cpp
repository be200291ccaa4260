// nn::summary against torchsummary's table. The seed string is the seed slides' output
// (../shared/seeds/001) with torchsummary's column layout ("{:>20}  {:>25} {:>15}").
#include <gtest/gtest.h>

#include <sstream>

#include "nabla/nabla.h"

namespace nabla::nn {
namespace {

const char* const kSeedTable =
    "----------------------------------------------------------------\n"
    "        Layer (type)               Output Shape         Param #\n"
    "================================================================\n"
    "            Linear-1                  [-1, 200]           1,000\n"
    "           Sigmoid-2                  [-1, 200]               0\n"
    "            Linear-3                  [-1, 300]          60,300\n"
    "           Sigmoid-4                  [-1, 300]               0\n"
    "            Linear-5                    [-1, 1]             301\n"
    "================================================================\n"
    "Total params: 61,601\n"
    "Trainable params: 61,601\n"
    "Non-trainable params: 0\n"
    "----------------------------------------------------------------\n"
    "Input size (MB): 0.00\n"
    "Forward/backward pass size (MB): 0.01\n"
    "Params size (MB): 0.23\n"
    "Estimated Total Size (MB): 0.24\n"
    "----------------------------------------------------------------\n";

// The seed's FeedforwardNeuralNetModel, written as a nabla module.
struct FeedforwardNeuralNetModel : UnaryModule {
  Linear fc1{{.in_features = 4, .out_features = 200}};
  Sigmoid sigmoid1;
  Linear fc2{{.in_features = 200, .out_features = 300}};
  Sigmoid sigmoid2;
  Linear output{{.in_features = 300, .out_features = 1}};

  FeedforwardNeuralNetModel() {
    register_module("fc1", &FeedforwardNeuralNetModel::fc1);
    register_module("sigmoid1", &FeedforwardNeuralNetModel::sigmoid1);
    register_module("fc2", &FeedforwardNeuralNetModel::fc2);
    register_module("sigmoid2", &FeedforwardNeuralNetModel::sigmoid2);
    register_module("output", &FeedforwardNeuralNetModel::output);
  }
  Tensor forward(const Tensor& x) override { return output(sigmoid2(fc2(sigmoid1(fc1(x))))); }
  std::string type_name() const override { return "FeedforwardNeuralNetModel"; }
};

TEST(Summary, PrintsTheSeedTableExactly) {
  FeedforwardNeuralNetModel model;
  EXPECT_EQ(summary(model, {4}), kSeedTable);
  std::ostringstream os;
  print_summary(model, {4}, os);
  EXPECT_EQ(os.str(), kSeedTable);
}

TEST(Summary, SequentialAndMLPFormsGiveTheSameTable) {
  Sequential seq(Linear({.in_features = 4, .out_features = 200}), Sigmoid(),
                 Linear({.in_features = 200, .out_features = 300}), Sigmoid(),
                 Linear({.in_features = 300, .out_features = 1}));
  EXPECT_EQ(summary(seq, {4}), kSeedTable);
  MLP mlp({.sizes = {4, 200, 300, 1}, .activation = Activation::Sigmoid});
  EXPECT_EQ(summary(mlp, {4}), kSeedTable);
  // Hooks are removed afterwards: a second call numbers the layers from 1 again.
  EXPECT_EQ(summary(mlp, {4}), kSeedTable);
}

TEST(Summary, CountsFrozenLayersAsNonTrainableAndLeavesBuffersAlone) {
  // Nested Sequential containers are flattened into their layers; batch norm counts its
  // weight and bias but not its running statistics, as in torchsummary.
  Sequential net(Sequential(Linear({.in_features = 3, .out_features = 1000}), BatchNorm1d({.num_features = 1000})),
                 ReLU(), Dropout(), Linear({.in_features = 1000, .out_features = 2}));
  static_cast<Linear&>(static_cast<Sequential&>(net[0])[0]).weight.requires_grad_(false);
  static_cast<Linear&>(static_cast<Sequential&>(net[0])[0]).bias.requires_grad_(false);
  const StateDict before = net.state_dict();
  const std::string table = summary(net, {3});
  EXPECT_EQ(table,
            "----------------------------------------------------------------\n"
            "        Layer (type)               Output Shape         Param #\n"
            "================================================================\n"
            "            Linear-1                 [-1, 1000]           4,000\n"
            "       BatchNorm1d-2                 [-1, 1000]           2,000\n"
            "              ReLU-3                 [-1, 1000]               0\n"
            "           Dropout-4                 [-1, 1000]               0\n"
            "            Linear-5                    [-1, 2]           2,002\n"
            "================================================================\n"
            "Total params: 8,002\n"
            "Trainable params: 4,002\n"
            "Non-trainable params: 4,000\n"
            "----------------------------------------------------------------\n"
            "Input size (MB): 0.00\n"
            "Forward/backward pass size (MB): 0.03\n"
            "Params size (MB): 0.03\n"
            "Estimated Total Size (MB): 0.06\n"
            "----------------------------------------------------------------\n");
  const StateDict after = net.state_dict();
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(equal(before[i].second, after[i].second)) << before[i].first;
}

TEST(Summary, ShowsEveryOutputDimAndLargeInputs) {
  Sequential net(Unflatten({.dim = 1, .unflattened_size = {500, 600}}), Flatten());
  const std::string table = summary(net, {300000});
  EXPECT_NE(table.find("         Unflatten-1             [-1, 500, 600]               0\n"), std::string::npos) << table;
  EXPECT_NE(table.find("           Flatten-2               [-1, 300000]               0\n"), std::string::npos) << table;
  EXPECT_NE(table.find("Input size (MB): 1.14\n"), std::string::npos) << table;
  EXPECT_NE(table.find("Forward/backward pass size (MB): 4.58\n"), std::string::npos) << table;
  EXPECT_NE(table.find("Estimated Total Size (MB): 5.72\n"), std::string::npos) << table;
}

TEST(Summary, PropagatesForwardErrorsAndCleansUp) {
  Sequential net(Linear({.in_features = 4, .out_features = 2}));
  EXPECT_THROW(summary(net, {5}), Error);
  EXPECT_NE(summary(net, {4}).find("Linear-1"), std::string::npos);
  EXPECT_EQ(summary(net, {4}).find("Linear-2"), std::string::npos);
}

}  // namespace
}  // namespace nabla::nn
