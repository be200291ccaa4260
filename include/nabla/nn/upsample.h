#pragma once
// nn::Upsample: functional::interpolate as a layer.
//
//   nn::Upsample up({.scale_factor = 2, .mode = nn::InterpolateMode::Bilinear});
#include <utility>

#include "nabla/nn/functional/upsample.h"
#include "nabla/nn/unary_module.h"

namespace nabla::nn {

class Upsample : public UnaryModule {
 public:
  explicit Upsample(UpsampleOptions options) : options(std::move(options)) {}
  Tensor forward(const Tensor& x) override { return functional::interpolate(x, options); }
  std::string type_name() const override { return "Upsample"; }
  std::string extra_repr() const override;

  UpsampleOptions options;
};

}  // namespace nabla::nn
