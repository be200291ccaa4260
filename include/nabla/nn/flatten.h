#pragma once
// nn::Flatten merges dims start_dim..end_dim (by default all but the batch dim);
// nn::Unflatten splits one dim into unflattened_size.
#include <vector>

#include "nabla/nn/unary_module.h"

namespace nabla::nn {

struct FlattenOptions {
  int64_t start_dim = 1;
  int64_t end_dim = -1;
};

class Flatten : public UnaryModule {
 public:
  explicit Flatten(FlattenOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Flatten"; }
  std::string extra_repr() const override;

  FlattenOptions options;
};

struct UnflattenOptions {
  int64_t dim = 0;
  std::vector<int64_t> unflattened_size = {};  // one entry may be -1
};

class Unflatten : public UnaryModule {
 public:
  explicit Unflatten(UnflattenOptions options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Unflatten"; }
  std::string extra_repr() const override;

  UnflattenOptions options;
};

}  // namespace nabla::nn
