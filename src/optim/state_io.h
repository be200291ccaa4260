#pragma once
// The flat state dicts of schedulers and early stopping: numbers as 0-d float64 tensors,
// lists of numbers (one per param group) as 1-D float64 tensors.
#include <initializer_list>
#include <string_view>
#include <vector>

#include "nabla/optim/optimizer.h"
#include "nabla/tensor/factory.h"

namespace nabla::optim::detail {

inline Tensor number(double v) { return scalar_tensor(v, {.dtype = kFloat64}); }
inline Tensor numbers(const std::vector<double>& v) {
  return from_vector(v, {static_cast<int64_t>(v.size())});
}

// Reads a state dict that must hold exactly `keys`, checking each entry's form, so a
// caller can read everything before changing anything.
class StateReader {
 public:
  StateReader(const char* op, const StateDict& state, std::initializer_list<std::string_view> keys)
      : op_(op), state_(state) {
    for (const auto& [name, t] : state) {
      bool known = false;
      for (std::string_view k : keys) known |= name == k;
      NABLA_CHECK(known, op, "unexpected key '", name, "' in the state dict");
    }
    for (std::string_view k : keys) get(k);
  }

  double number(std::string_view key) const {
    const Tensor& t = get(key);
    NABLA_CHECK(t.numel() == 1 && t.is_floating_point(), op_, "'", key,
                "' must hold one floating-point value, got ", t.dtype(), " of shape ", t.shape());
    return t.item<double>();
  }
  std::vector<double> numbers(std::string_view key, size_t size) const {
    const Tensor& t = get(key);
    NABLA_CHECK(t.dim() == 1 && t.numel() == static_cast<int64_t>(size) && t.is_floating_point(), op_, "'",
                key, "' must be a 1-D floating-point tensor of ", size, " values (one per param group), got ",
                t.dtype(), " of shape ", t.shape());
    return t.to_vector<double>();
  }

 private:
  const Tensor& get(std::string_view key) const {
    for (const auto& [name, t] : state_)
      if (name == key) {
        NABLA_CHECK(t.defined(), op_, "'", key, "' is an undefined tensor");
        return t;
      }
    nabla::detail::fail(op_, "the state dict has no '", key, "'");
  }

  const char* op_;
  const StateDict& state_;
};

}  // namespace nabla::optim::detail
