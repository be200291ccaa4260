#include "nabla/nn/embedding.h"

#include <algorithm>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/indexing.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/random.h"

namespace nabla::nn {
namespace {

int64_t wrap_padding_idx(int64_t padding_idx, int64_t num_embeddings, const char* op) {
  NABLA_CHECK(padding_idx >= -num_embeddings && padding_idx < num_embeddings, op, "padding_idx ", padding_idx,
              " must be within num_embeddings (", num_embeddings, ")");
  return padding_idx < 0 ? padding_idx + num_embeddings : padding_idx;
}

}  // namespace

namespace functional {

Tensor embedding(const Tensor& input, const Tensor& weight, std::optional<int64_t> padding_idx) {
  Tensor out = nabla::embedding(weight, input);
  if (!padding_idx) return out;
  const int64_t pad = wrap_padding_idx(*padding_idx, weight.size(0), "embedding");
  if (!out.requires_grad()) return out;
  // Rows looked up at padding_idx take the value of the weight but cut from the graph,
  // so that row never receives a gradient.
  const Tensor idx = input.contiguous();
  const int64_t* first = idx.data_ptr<int64_t>();
  if (std::find(first, first + idx.numel(), pad) == first + idx.numel()) return out;
  return where(eq(input, static_cast<double>(pad)).unsqueeze(-1), out.detach(), out);
}

}  // namespace functional

Embedding::Embedding(EmbeddingOptions o) : options(o) {
  NABLA_CHECK(o.num_embeddings >= 0 && o.embedding_dim >= 0, "Embedding",
              "num_embeddings and embedding_dim must be non-negative, got ", o.num_embeddings, " and ",
              o.embedding_dim);
  if (o.padding_idx) options.padding_idx = wrap_padding_idx(*o.padding_idx, o.num_embeddings, "Embedding");
  weight = normal_(empty({o.num_embeddings, o.embedding_dim}, {.dtype = o.dtype}));
  if (options.padding_idx) weight.select(0, *options.padding_idx).zero_();
  register_parameter("weight", &Embedding::weight);
}

Tensor Embedding::forward(const Tensor& input) { return functional::embedding(input, weight, options.padding_idx); }

std::string Embedding::extra_repr() const {
  std::string s = std::to_string(options.num_embeddings) + ", " + std::to_string(options.embedding_dim);
  if (options.padding_idx) s += ", padding_idx=" + std::to_string(*options.padding_idx);
  return s;
}

}  // namespace nabla::nn
