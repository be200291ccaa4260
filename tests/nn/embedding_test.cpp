#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"
#include "tests/tensor/test_util.h"

namespace nabla::nn {
namespace {

namespace F = functional;
using testing::expect_close;
using testing::golden;
using testing::tensor_of;

Tensor golden_index() {
  const auto& c = golden()["embedding"];
  return from_vector(c["index"].get<std::vector<int64_t>>(), Shape(c["index_shape"].get<std::vector<int64_t>>()));
}

TEST(Embedding, MatchesPyTorchWithPaddingIdx) {
  const auto& c = golden()["embedding"];
  Embedding emb({.num_embeddings = 6, .embedding_dim = 3, .padding_idx = 2, .dtype = kFloat64});
  emb.load_state_dict({{"weight", tensor_of(c["weight"])}});
  const Tensor y = emb(golden_index());
  expect_close(y, c["y"], 1e-15, "output");
  (y * tensor_of(c["gy"])).sum().backward();
  // Row 2 is looked up three times and still gets no gradient.
  expect_close(emb.weight.grad(), c["gw"], 1e-14, "weight gradient");
  EXPECT_TRUE(equal(emb.weight.grad().select(0, 2), zeros({3}, {.dtype = kFloat64})));
}

TEST(Embedding, PaddingRowGetsNoGradientInDoubleBackwardEither) {
  const Tensor w = nabla::testing::rand_param({5, 2});
  const Tensor index = from_vector(std::vector<int64_t>{0, 4, 4, 1}, {2, 2});
  F::embedding(index, w, -1).sum().backward();
  EXPECT_TRUE(equal(w.grad().select(0, 4), zeros({2}, {.dtype = kFloat64})));
  EXPECT_TRUE(equal(w.grad().select(0, 0), ones({2}, {.dtype = kFloat64})));
  // The padding row is deliberately not differentiated (its looked-up values still depend
  // on it), so the checks see the output with the padding positions masked out.
  const Tensor keep = ne(index, 4.0).unsqueeze(-1).to(kFloat64);
  auto f = [&](const std::vector<Tensor>& in) { return F::embedding(index, in[0], -1) * keep; };
  auto f2 = [&](const std::vector<Tensor>& in) { return (F::embedding(index, in[0], -1) * keep).pow(2.0); };
  EXPECT_GRADCHECK(f, {w});
  EXPECT_GRADGRADCHECK(f2, {w});
}

TEST(Embedding, InitialisesLikePyTorch) {
  manual_seed(3);
  Embedding emb({.num_embeddings = 400, .embedding_dim = 50, .padding_idx = 7});
  EXPECT_EQ(emb.weight.shape(), Shape({400, 50}));
  EXPECT_EQ(emb.weight.dtype(), kFloat32);
  EXPECT_TRUE(emb.weight.requires_grad());
  EXPECT_TRUE(equal(emb.weight.select(0, 7), zeros({50})));
  // N(0, 1): 20,000 draws put the mean within 5 / sqrt(n) and the variance within 5 sqrt(2 / n).
  const Tensor w = emb.weight.detach().to(kFloat64);
  EXPECT_NEAR(w.mean().item(), 0, 5 / std::sqrt(20000.0));
  EXPECT_NEAR(var(w).item(), 1, 5 * std::sqrt(2 / 20000.0));
}

TEST(Embedding, NegativePaddingIdxCountsFromTheEnd) {
  Embedding emb({.num_embeddings = 10, .embedding_dim = 3, .padding_idx = -1});
  EXPECT_EQ(emb.options.padding_idx, 9);
  EXPECT_EQ(testing::repr(emb), golden()["repr"]["Embedding_pad"]);
  EXPECT_EQ(testing::repr(Embedding({.num_embeddings = 10, .embedding_dim = 3})), golden()["repr"]["Embedding"]);
}

TEST(Embedding, RejectsBadInput) {
  EXPECT_THROW(Embedding({.num_embeddings = 4, .embedding_dim = 2, .padding_idx = 4}), Error);
  EXPECT_THROW(Embedding({.num_embeddings = 4, .embedding_dim = 2, .padding_idx = -5}), Error);
  EXPECT_THROW(Embedding({.num_embeddings = -1, .embedding_dim = 2}), Error);
  Embedding emb({.num_embeddings = 4, .embedding_dim = 2});
  EXPECT_THROW(emb(from_vector(std::vector<int64_t>{0, 4}, {2})), Error);
  EXPECT_THROW(emb(from_vector(std::vector<int64_t>{-1}, {1})), Error);
  EXPECT_THROW(emb(zeros({2})), Error);  // float indices
  EXPECT_THROW(F::embedding(from_vector(std::vector<int64_t>{0}, {1}), emb.weight, 7), Error);
  EXPECT_THROW(F::embedding(from_vector(std::vector<int64_t>{0}, {1}), emb.weight.detach(), 7), Error);
}

}  // namespace
}  // namespace nabla::nn
