// The reverse-mode engine: count how many edges reach each node, then run nodes in an
// order where every node runs after all nodes that send it a gradient, summing
// gradients that arrive along several edges.
#include "nabla/autograd/engine.h"

#include <unordered_map>

#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"

namespace nabla::autograd {
namespace {

// Feeds the user's root gradients into the graph.
class GraphRoot final : public Node {
 public:
  explicit GraphRoot(TensorList grads) : grads_(std::move(grads)) {}
  const char* name() const override { return "GraphRoot"; }
  TensorList apply(TensorList&&) override { return std::move(grads_); }

 private:
  TensorList grads_;
};

// Where autograd::grad collects a result: gradient arriving for output `output_nr` of `fn`.
struct Capture {
  Node* fn;
  uint32_t output_nr;
  Tensor grad;
};

std::vector<Node*> count_dependencies(Node* root) {
  std::vector<Node*> all{root}, stack{root};
  root->dependencies = 0;
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges) {
      Node* next = e.fn.get();
      if (!next) continue;
      if (next->dependencies++ == 0) {
        all.push_back(next);
        stack.push_back(next);
      }
    }
  }
  return all;
}

// Reduces a gradient to the shape and dtype of the input it belongs to; broadcasting in
// forward is undone here once, rather than in every op's derivative.
Tensor conform(Tensor g, const Edge& e, const Node& producer) {
  if (!(g.shape() == e.shape)) {
    g = sum_to(g, e.shape);
    NABLA_CHECK(g.shape() == e.shape, producer.name(), "returned a gradient of shape ", g.shape(),
                " for an input of shape ", e.shape);
  }
  if (g.dtype() != e.dtype) g = g.to(e.dtype);
  return g;
}

void execute(const std::shared_ptr<Node>& root, bool retain_graph, bool create_graph,
             std::vector<Capture>* captures) {
  std::vector<Node*> nodes = count_dependencies(root.get());
  for (Node* n : nodes) n->input_buffer.assign(std::max(n->num_outputs(), 1), Tensor());
  // Nodes are kept alive by the edges of the nodes that precede them; `root` by the caller.
  std::vector<Node*> ready{root.get()};
  AutoGradMode mode(create_graph);
  try {
    while (!ready.empty()) {
      Node* n = ready.back();
      ready.pop_back();
      TensorList grads = std::move(n->input_buffer);
      n->input_buffer.clear();

      for (auto& [output_nr, weak] : n->retained) {
        if (auto impl = weak.lock(); impl && grads[output_nr].defined())
          impl->grad = create_graph ? grads[output_nr] : grads[output_nr].detach();
      }
      bool any = false;
      for (const Tensor& g : grads) any = any || g.defined();
      if (captures) {
        for (Capture& c : *captures)
          if (c.fn == n && grads[c.output_nr].defined()) c.grad = grads[c.output_nr];
      }
      TensorList out;
      // autograd::grad leaves .grad() alone, so it never runs leaf accumulators.
      const bool skip = n != root.get() && (!any || (captures && dynamic_cast<AccumulateGrad*>(n)));
      if (!skip) {
        NABLA_CHECK(!n->released, "backward",
                    "trying to backward through the graph a second time (or to access saved "
                    "tensors after they were freed) in ", n->name(),
                    "; pass retain_graph=true to the first backward");
        out = n->apply(std::move(grads));
        NABLA_CHECK(out.size() == n->next_edges.size(), n->name(), "returned ", out.size(),
                    " gradients for ", n->next_edges.size(), " inputs");
        if (!retain_graph) n->release_saved();
      }
      for (size_t i = 0; i < n->next_edges.size(); ++i) {
        const Edge& e = n->next_edges[i];
        Node* next = e.fn.get();
        if (!next) continue;
        if (!skip && out[i].defined()) {
          Tensor g = conform(std::move(out[i]), e, *n);
          Tensor& buf = next->input_buffer[e.input_nr];
          buf = buf.defined() ? add(buf, g) : std::move(g);
        }
        if (--next->dependencies == 0) ready.push_back(next);
      }
    }
  } catch (...) {
    for (Node* n : nodes) {
      n->dependencies = 0;
      n->input_buffer.clear();
    }
    throw;
  }
}

std::shared_ptr<Node> make_root(const std::vector<Tensor>& roots, const std::vector<Tensor>& grads,
                                const char* op) {
  NABLA_CHECK(grads.empty() || grads.size() == roots.size(), op, "got ", roots.size(),
              " outputs but ", grads.size(), " gradients");
  TensorList root_grads;
  std::vector<Edge> edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    NABLA_CHECK(r.defined(), op, "output ", i, " is an undefined tensor");
    NABLA_CHECK(r.requires_grad(), op, "output ", i,
                " does not require grad and has no grad_fn");
    Tensor g = grads.empty() ? Tensor() : grads[i];
    if (!g.defined()) {
      NABLA_CHECK(r.numel() == 1, op, "grad can be implicitly created only for scalar outputs, got shape ",
                  r.shape());
      g = ones_like(r);
    }
    NABLA_CHECK(g.shape() == r.shape(), op, "gradient of shape ", g.shape(),
                " does not match output shape ", r.shape());
    root_grads.push_back(g);
    edges.push_back(gradient_edge(r));
  }
  auto root = std::make_shared<GraphRoot>(std::move(root_grads));
  root->next_edges = std::move(edges);
  return root;
}

}  // namespace

void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots,
              bool retain_graph, bool create_graph) {
  auto root = make_root(roots, grad_roots, "backward");
  execute(root, retain_graph || create_graph, create_graph, nullptr);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool retain_graph,
                         bool create_graph, bool allow_unused) {
  auto root = make_root(outputs, grad_outputs, "autograd::grad");
  std::vector<Capture> captures;
  for (size_t i = 0; i < inputs.size(); ++i) {
    NABLA_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "autograd::grad", "input ", i,
                " does not require grad");
    Edge e = gradient_edge(inputs[i]);
    captures.push_back({e.fn.get(), e.input_nr, Tensor()});
  }
  // Keep the accumulators of leaf inputs alive for the duration of the pass.
  std::vector<std::shared_ptr<Node>> keep;
  for (const Tensor& t : inputs) keep.push_back(gradient_edge(t).fn);
  execute(root, retain_graph || create_graph, create_graph, &captures);
  std::vector<Tensor> result;
  for (size_t i = 0; i < captures.size(); ++i) {
    NABLA_CHECK(captures[i].grad.defined() || allow_unused, "autograd::grad", "input ", i,
                " was not used in the graph of the outputs; pass allow_unused=true");
    Tensor g = captures[i].grad;
    if (g.defined() && !(g.shape() == inputs[i].shape())) g = sum_to(g, inputs[i].shape());
    result.push_back(create_graph || !g.defined() ? g : g.detach());
  }
  return result;
}

}  // namespace nabla::autograd
