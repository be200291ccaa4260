#pragma once
// Linear maps of the last two dims that act on rows and columns separately: average pooling,
// adaptive average pooling and nearest / bilinear upsampling are all
//   y[..., i, j] = Σ_a Σ_b rows(i, a) cols(j, b) x[..., a, b]
// with a few non-zero taps per output index on each axis. One op runs any of them as two
// passes (columns, then whole rows), and its derivative is the transposed map, run by the same
// op, so the gradients are themselves differentiable.
#include <cstdint>
#include <memory>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::nn::internal {

// One axis: output i = Σ weight[t] input[index[t]] over t in [start[i], start[i + 1]).
class AxisMap {
 public:
  explicit AxisMap(int64_t in) : in_(in) {}
  // Adds a tap to the output being built; finish_output() moves on to the next one.
  void add(int64_t index, double weight) {
    index_.push_back(index);
    weight_.push_back(weight);
  }
  void finish_output() { start_.push_back(static_cast<int64_t>(index_.size())); }

  int64_t in() const { return in_; }
  int64_t out() const { return static_cast<int64_t>(start_.size()) - 1; }
  const std::vector<int64_t>& start() const { return start_; }
  const std::vector<int64_t>& index() const { return index_; }
  const std::vector<double>& weight() const { return weight_; }

 private:
  int64_t in_;
  std::vector<int64_t> start_{0};
  std::vector<int64_t> index_;
  std::vector<double> weight_;
};

struct PlaneMap {
  AxisMap rows, cols;
  const char* name;  // the backward node's name
};

// The map applied to x [..., rows.in, cols.in] (floating, at least 2-D), or with `transposed`
// its adjoint applied to x [..., rows.out, cols.out].
Tensor apply_plane_map(const Tensor& x, std::shared_ptr<const PlaneMap> map, bool transposed = false);

}  // namespace nabla::nn::internal
