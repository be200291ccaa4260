#include "src/autograd/recompute.h"

#include "nabla/autograd/engine.h"
#include "nabla/autograd/grad_mode.h"

namespace nabla::autograd {
namespace {

// The grad_fn of a stand-in: passes its gradient on unchanged. It has no edge during the inner
// pass (so that pass stops there) and one edge, to the real input, afterwards.
class Relay final : public Node {
 public:
  const char* name() const override { return "RecomputeRelay"; }
  TensorList apply(TensorList&& grads) override { return TensorList(next_edges.size(), grads[0]); }
};

}  // namespace

TensorList recompute_backward(const ComposedForward& forward, const TensorList& inputs,
                              const std::vector<Edge>& edges, const TensorList& grad_outputs) {
  AutoGradMode recording(true);
  TensorList stand_ins, wrt;
  std::vector<std::shared_ptr<Relay>> relays(inputs.size());
  std::vector<size_t> wrt_index;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) {
      stand_ins.emplace_back();
      continue;
    }
    Tensor s = inputs[i].detach();
    if (edges[i].fn) {
      relays[i] = std::make_shared<Relay>();
      set_history(relays[i], std::initializer_list<const Tensor*>{}, {&s});
      wrt.push_back(s);
      wrt_index.push_back(i);
    }
    stand_ins.push_back(s);
  }
  const TensorList outputs = forward(stand_ins);
  TensorList roots, root_grads;
  for (size_t k = 0; k < outputs.size(); ++k) {
    if (k < grad_outputs.size() && grad_outputs[k].defined() && outputs[k].defined() &&
        outputs[k].requires_grad()) {
      roots.push_back(outputs[k]);
      root_grads.push_back(grad_outputs[k]);
    }
  }
  TensorList result(inputs.size());
  if (roots.empty() || wrt.empty()) return result;
  const TensorList grads = grad(roots, wrt, root_grads, true, true, true);
  for (size_t k = 0; k < wrt.size(); ++k) {
    const size_t i = wrt_index[k];
    relays[i]->next_edges = {edges[i]};
    result[i] = grads[k];
  }
  return result;
}

}  // namespace nabla::autograd
