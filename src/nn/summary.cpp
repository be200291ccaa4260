// The table and arithmetic of torchsummary's summary_string (batch_size = -1), so the
// numbers match what PyTorch users see for the same model.
#include "nabla/nn/summary.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <optional>
#include <sstream>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/sequential.h"
#include "nabla/tensor/factory.h"

namespace nabla::nn {
namespace {

struct Row {
  std::string name;  // "Linear-1"
  Shape output;
  int64_t params = 0;
  std::optional<bool> trainable{};  // known only for modules with a weight, as in torchsummary
};

// Python's "{:,}".
std::string thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

// str() of the output shape as a Python list with the batch dim shown as -1.
std::string shape_repr(const Shape& s) {
  std::string out = "[";
  for (int d = 0; d < s.size(); ++d) out += (d ? ", " : "") + std::to_string(d == 0 ? -1 : s[d]);
  return out + "]";
}

std::string megabytes(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%0.2f", v);
  return buf;
}

// Hooks on the layers, and a copy of the buffers, undone on every exit from summary().
class Probe {
 public:
  explicit Probe(UnaryModule& model) {
    for (auto& [name, m] : model.named_modules()) {
      auto* layer = dynamic_cast<UnaryModule*>(m);
      if (m == &model || !layer || dynamic_cast<Sequential*>(m)) continue;
      hooks_.emplace_back(layer, layer->register_forward_hook([this](UnaryModule& mod, const Tensor&, const Tensor& y) {
        record(mod, y);
      }));
    }
    for (const Tensor& b : model.buffers()) buffers_.emplace_back(b, b.clone());
  }
  ~Probe() {
    for (auto& [layer, id] : hooks_) layer->remove_forward_hook(id);
    NoGradGuard guard;
    for (auto& [buffer, saved] : buffers_) buffer.copy_(saved);
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  const std::vector<Row>& rows() const { return rows_; }

 private:
  void record(UnaryModule& mod, const Tensor& y) {
    Row row{.name = mod.type_name() + "-" + std::to_string(rows_.size() + 1), .output = y.shape()};
    for (const auto& [name, p] : mod.named_parameters(false)) {
      if (name == "weight") row.trainable = p.requires_grad();
      if (name == "weight" || name == "bias") row.params += p.numel();
    }
    rows_.push_back(std::move(row));
  }

  std::vector<std::pair<UnaryModule*, int>> hooks_;
  std::vector<std::pair<Tensor, Tensor>> buffers_;
  std::vector<Row> rows_;
};

}  // namespace

std::string summary(UnaryModule& model, const Shape& input_shape) {
  std::vector<Row> rows;
  {
    Probe probe(model);
    const std::vector<Tensor> params = model.parameters();
    const DType dtype = params.empty() ? kFloat32 : params.front().dtype();
    Shape batch_shape = input_shape;
    batch_shape.insert(0, 2);  // torchsummary's batch of two, so that batch norm can run
    NoGradGuard guard;
    model(zeros(batch_shape, {.dtype = dtype}));
    rows = probe.rows();
  }

  const std::string rule(64, '-'), double_rule(64, '=');
  std::ostringstream os;
  auto line = [&os](const std::string& a, const std::string& b, const std::string& c) {
    os << std::setw(20) << a << "  " << std::setw(25) << b << ' ' << std::setw(15) << c << '\n';
  };
  os << rule << '\n';
  line("Layer (type)", "Output Shape", "Param #");
  os << double_rule << '\n';
  int64_t total_params = 0, trainable_params = 0, total_output = 0;
  for (const Row& r : rows) {
    line(r.name, shape_repr(r.output), thousands(r.params));
    total_params += r.params;
    int64_t out = 1;
    for (int d = 0; d < r.output.size(); ++d) out *= d == 0 ? -1 : r.output[d];
    total_output += out;
    if (r.trainable.value_or(false)) trainable_params += r.params;
  }
  constexpr double kMB = 1024.0 * 1024.0;
  const double input_size = std::abs(static_cast<double>(input_shape.numel()) * -1 * 4. / kMB);
  const double output_size = std::abs(2. * static_cast<double>(total_output) * 4. / kMB);
  const double params_size = std::abs(static_cast<double>(total_params) * 4. / kMB);
  const double total_size = params_size + output_size + input_size;
  os << double_rule << '\n';
  os << "Total params: " << thousands(total_params) << '\n';
  os << "Trainable params: " << thousands(trainable_params) << '\n';
  os << "Non-trainable params: " << thousands(total_params - trainable_params) << '\n';
  os << rule << '\n';
  os << "Input size (MB): " << megabytes(input_size) << '\n';
  os << "Forward/backward pass size (MB): " << megabytes(output_size) << '\n';
  os << "Params size (MB): " << megabytes(params_size) << '\n';
  os << "Estimated Total Size (MB): " << megabytes(total_size) << '\n';
  os << rule << '\n';
  return os.str();
}

void print_summary(UnaryModule& model, const Shape& input_shape, std::ostream& os) {
  os << summary(model, input_shape);
}

}  // namespace nabla::nn
