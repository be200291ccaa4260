#pragma once
// Loss modules, PyTorch's nn.*Loss: options at construction, called as loss(input, target).
//
//   nn::CrossEntropyLoss criterion({.label_smoothing = 0.1});
//   Tensor loss = criterion(model(x), labels);
//
// They are Modules, so they print, and weight / pos_weight are buffers as in PyTorch
// (in state_dict, converted by to(dtype)); the rest of the options stay in `options`.
// The formulas are those of nabla/nn/functional/loss.h.
#include <string>

#include "nabla/nn/functional/loss.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

// A loss of (input, target): what training loops take.
class Loss : public Module {
 public:
  virtual Tensor forward(const Tensor& input, const Tensor& target) = 0;
  Tensor operator()(const Tensor& input, const Tensor& target) { return forward(input, target); }
};

class MSELoss : public Loss {
 public:
  explicit MSELoss(MSELossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "MSELoss"; }
  MSELossOptions options;
};

class L1Loss : public Loss {
 public:
  explicit L1Loss(L1LossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "L1Loss"; }
  L1LossOptions options;
};

class SmoothL1Loss : public Loss {
 public:
  explicit SmoothL1Loss(SmoothL1LossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "SmoothL1Loss"; }
  SmoothL1LossOptions options;
};

class HuberLoss : public Loss {
 public:
  explicit HuberLoss(HuberLossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "HuberLoss"; }
  HuberLossOptions options;
};

// Takes a third argument, the variance: loss(input, target, var).
class GaussianNLLLoss : public Module {
 public:
  explicit GaussianNLLLoss(GaussianNLLLossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target, const Tensor& var);
  Tensor operator()(const Tensor& input, const Tensor& target, const Tensor& var) {
    return forward(input, target, var);
  }
  std::string type_name() const override { return "GaussianNLLLoss"; }
  GaussianNLLLossOptions options;
};

class BCELoss : public Loss {
 public:
  explicit BCELoss(BCELossOptions options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "BCELoss"; }
  BCELossOptions options;  // options.weight is moved into `weight`
  Tensor weight;
};

class BCEWithLogitsLoss : public Loss {
 public:
  explicit BCEWithLogitsLoss(BCEWithLogitsLossOptions options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "BCEWithLogitsLoss"; }
  BCEWithLogitsLossOptions options;  // options.weight and pos_weight are moved into the members
  Tensor weight;
  Tensor pos_weight;
};

class NLLLoss : public Loss {
 public:
  explicit NLLLoss(NLLLossOptions options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "NLLLoss"; }
  NLLLossOptions options;  // options.weight is moved into `weight`
  Tensor weight;
};

class CrossEntropyLoss : public Loss {
 public:
  explicit CrossEntropyLoss(CrossEntropyLossOptions options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "CrossEntropyLoss"; }
  CrossEntropyLossOptions options;  // options.weight is moved into `weight`
  Tensor weight;
};

class KLDivLoss : public Loss {
 public:
  explicit KLDivLoss(KLDivLossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  std::string type_name() const override { return "KLDivLoss"; }
  KLDivLossOptions options;
};

}  // namespace nabla::nn
