#pragma once
// nn::Embedding: a lookup table of num_embeddings vectors of size embedding_dim, indexed
// by int64 tensors of any shape. The padding_idx row starts at zero and gets no gradient.
#include <optional>

#include "nabla/nn/unary_module.h"

namespace nabla::nn {

namespace functional {
// torch.nn.functional.embedding: rows of weight [num, dim] picked by input -> [*input, dim].
// A negative padding_idx counts from the end.
Tensor embedding(const Tensor& input, const Tensor& weight, std::optional<int64_t> padding_idx = std::nullopt);
}  // namespace functional

struct EmbeddingOptions {
  int64_t num_embeddings = 0;
  int64_t embedding_dim = 0;
  std::optional<int64_t> padding_idx = std::nullopt;
  DType dtype = kFloat32;
};

class Embedding : public UnaryModule {
 public:
  // PyTorch's initialisation: weight ~ N(0, 1), with the padding row zeroed.
  explicit Embedding(EmbeddingOptions options);
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Embedding"; }
  std::string extra_repr() const override;

  EmbeddingOptions options;  // padding_idx is stored non-negative
  Tensor weight;
};

}  // namespace nabla::nn
