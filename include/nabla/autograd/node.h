#pragma once
// The backward graph. Each differentiable op that sees an input requiring grad creates a
// Node: it saves what its derivative needs and, given the gradient of its outputs,
// returns the gradient of each input. Edges point from a node to the nodes that
// produced its inputs; leaves end in an AccumulateGrad node that adds into .grad().
#include <memory>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::autograd {

using TensorList = std::vector<Tensor>;

struct Edge {
  std::shared_ptr<Node> fn;  // null when the input needs no gradient
  uint32_t input_nr = 0;     // which output of `fn` the input was
  Shape shape;               // the input's shape and dtype: the engine reduces broadcast
  DType dtype = kFloat32;    // gradients to it (sum_to) and converts the dtype
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  virtual ~Node() = default;
  virtual const char* name() const = 0;
  // grads[i] is the gradient of output i (undefined if none flowed); returns one
  // gradient per next edge, in order (undefined for inputs needing none).
  virtual TensorList apply(TensorList&& grads) = 0;
  // Frees saved tensors once backward has run without retain_graph; nodes that save
  // tensors set `released` so a second pass through them throws.
  virtual void release_saved() {}
  virtual int num_outputs() const { return 1; }

  std::vector<Edge> next_edges;

  // ---- engine bookkeeping (the engine is single-threaded per graph) ----
  bool released = false;
  int dependencies = 0;
  TensorList input_buffer;
  std::vector<std::pair<uint32_t, std::weak_ptr<TensorImpl>>> retained;  // retain_grad()
};

// Adds incoming gradients into a leaf's grad().
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf) : leaf_(std::move(leaf)) {}
  const char* name() const override { return "AccumulateGrad"; }
  TensorList apply(TensorList&& grads) override;
  const std::shared_ptr<TensorImpl>& leaf() const { return leaf_; }

 private:
  std::shared_ptr<TensorImpl> leaf_;
};

// A tensor kept for backward. Inputs are kept as they are (so double backward can
// differentiate through them); outputs are kept as a detached alias, because keeping the
// output itself would make the node own itself through output.grad_fn.
class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  // Throws if the tensor was modified in place after being saved. For a saved output,
  // `owner` re-attaches the node so that create_graph differentiates through it.
  Tensor unpack(const std::shared_ptr<Node>& owner = nullptr) const;
  void reset() { data_ = Tensor(); }
  bool defined() const { return data_.defined(); }

 private:
  Tensor data_;
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
  bool was_defined_ = false;
};

// True when grad mode is on and any of the tensors requires grad.
bool any_requires_grad(std::initializer_list<const Tensor*> tensors);
// The edge a gradient for `t` must flow along (its grad_fn, or its leaf accumulator).
Edge gradient_edge(const Tensor& t);
// Connects `node` to the inputs and makes it the grad_fn of `outputs`.
void set_history(const std::shared_ptr<Node>& node, std::initializer_list<const Tensor*> inputs,
                 std::initializer_list<Tensor*> outputs);
void set_history(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs,
                 std::initializer_list<Tensor*> outputs);

}  // namespace nabla::autograd
