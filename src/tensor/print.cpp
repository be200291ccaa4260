// operator<< for tensors, printing what PyTorch 1.13's repr prints (torch/_tensor_str.py
// with the default print options), so output can be compared with PyTorch's verbatim.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "nabla/autograd/node.h"
#include "nabla/tensor/tensor.h"

namespace nabla {
namespace {

constexpr int kPrecision = 4;
constexpr int64_t kThreshold = 1000;  // more elements than this are summarised
constexpr int64_t kEdgeItems = 3;     // items kept at each end of a summarised dim
constexpr int kLineWidth = 80;

// v printed with printf's %.<precision>f or %.<precision>e, which round as Python's format does.
std::string printf_string(const char* format, int precision, double v) {
  const int n = std::snprintf(nullptr, 0, format, precision, v);
  std::string s(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(s.data(), s.size(), format, precision, v);
  s.pop_back();
  return s;
}

// Python spells non-finite values nan, inf and -inf under every format (never "-nan").
std::string non_finite(double v) { return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"); }

// Reads and formats the elements of one tensor. Like PyTorch's _Formatter, it picks one
// notation (integer-valued, fixed or scientific) and one width from the elements shown.
class Printer {
 public:
  explicit Printer(const Tensor& t)
      : t_(t), base_(static_cast<const char*>(t.raw_data())), summarize_(t.numel() > kThreshold) {
    std::vector<int64_t> shown;
    collect(0, 0, shown);
    if (!t.is_floating_point()) {
      for (int64_t off : shown) width_ = std::max(width_, static_cast<int>(plain(off).size()));
      return;
    }
    std::vector<double> values;  // the nonzero finite ones decide the notation
    for (int64_t off : shown) {
      const double v = real(off);
      if (std::isfinite(v) && v != 0) values.push_back(v);
    }
    if (values.empty()) return;
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (double v : values) {
      lo = std::min(lo, std::abs(v));
      hi = std::max(hi, std::abs(v));
      int_mode_ = int_mode_ && v == std::ceil(v);
    }
    sci_mode_ = hi / lo > 1000 || hi > 1e8 || (!int_mode_ && lo < 1e-4);
    for (double v : values) width_ = std::max(width_, static_cast<int>(real_string(v).size()));
  }

  std::string body(int indent) const { return t_.dim() == 0 ? element(0) : block(0, 0, indent); }

 private:
  double real(int64_t off) const {
    return t_.dtype() == kFloat64 ? reinterpret_cast<const double*>(base_)[off]
                                  : reinterpret_cast<const float*>(base_)[off];
  }
  std::string plain(int64_t off) const {
    if (t_.dtype() == kBool) return reinterpret_cast<const bool*>(base_)[off] ? "True" : "False";
    return std::to_string(reinterpret_cast<const int64_t*>(base_)[off]);
  }
  std::string real_string(double v) const {
    if (!std::isfinite(v)) return non_finite(v);
    if (sci_mode_) return printf_string("%.*e", kPrecision, v);
    if (int_mode_) return printf_string("%.*f", 0, v).append(".");  // the dot marks a float
    return printf_string("%.*f", kPrecision, v);
  }
  std::string element(int64_t off) const {
    const std::string s = t_.is_floating_point() ? real_string(real(off)) : plain(off);
    return std::string(static_cast<size_t>(std::max<int>(0, width_ - static_cast<int>(s.size()))), ' ') + s;
  }

  // Indices of dim d that are printed, with -1 where the "..." of a summary goes.
  std::vector<int64_t> shown_indices(int d) const {
    const int64_t n = t_.size(d);
    std::vector<int64_t> out;
    for (int64_t i = 0; i < n; ++i) {
      if (summarize_ && n > 2 * kEdgeItems && i >= kEdgeItems && i < n - kEdgeItems) {
        out.push_back(-1);
        i = n - kEdgeItems - 1;
      } else {
        out.push_back(i);
      }
    }
    return out;
  }

  // Element offsets (from base_) of every printed element of the sub-tensor at dim d.
  void collect(int d, int64_t off, std::vector<int64_t>& out) const {
    if (d == t_.dim()) {
      out.push_back(off);
      return;
    }
    for (int64_t i : shown_indices(d))
      if (i >= 0) collect(d + 1, off + i * t_.stride(d), out);
  }

  // The sub-tensor at dim d (starting at `off`), bracketed, as _tensor_str_with_formatter.
  std::string block(int d, int64_t off, int indent) const {
    std::vector<std::string> items;
    const bool last = d == t_.dim() - 1;
    for (int64_t i : shown_indices(d)) {
      const int64_t at = off + i * t_.stride(d);
      if (i < 0)
        items.push_back(last ? " ..." : "...");
      else
        items.push_back(last ? element(at) : block(d + 1, at, indent + 1));
    }
    std::string out = "[";
    if (last) {
      // Rows of as many elements as fit in the line width.
      const size_t per_line = std::max(1, (kLineWidth - indent) / (width_ + 2));
      const std::string line_break = std::string(",\n").append(indent + 1, ' ');
      for (size_t k = 0; k < items.size(); ++k) {
        if (k) out += k % per_line ? ", " : line_break;
        out += items[k];
      }
    } else {
      const std::string sep = std::string(",").append(t_.dim() - d - 1, '\n').append(indent + 1, ' ');
      for (size_t k = 0; k < items.size(); ++k) {
        if (k) out += sep;
        out += items[k];
      }
    }
    return out + "]";
  }

  const Tensor& t_;
  const char* base_;
  bool summarize_;
  bool int_mode_ = true;
  bool sci_mode_ = false;
  int width_ = 1;
};

// Appends ", suffix" to the text, or starts a new line when it would pass the line width.
void add_suffixes(std::string& text, const std::vector<std::string>& suffixes, int indent) {
  // PyTorch's count: its rfind gives -1 without a newline, which adds one to the length.
  const size_t newline = text.rfind('\n');
  int64_t line = static_cast<int64_t>(text.size()) + 1 -
                 (newline == std::string::npos ? -1 : static_cast<int64_t>(newline));
  for (const std::string& s : suffixes) {
    const int64_t len = static_cast<int64_t>(s.size());
    if (line + len + 2 > kLineWidth) {
      text += ",\n" + std::string(indent, ' ') + s;
      line = indent + len;
    } else {
      text += ", " + s;
      line += len + 2;
    }
  }
  text += ")";
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  const std::string prefix = "tensor(";
  const int indent = static_cast<int>(prefix.size());
  std::vector<std::string> suffixes;
  std::string text = prefix;
  const std::string dtype_suffix = std::string("dtype=torch.") + dtype_name(t.dtype());
  if (t.numel() == 0) {
    // No elements show the dtype, so only float32 (the default) goes without saying.
    if (t.dim() != 1) {
      std::string size = "size=(";
      for (int d = 0; d < t.dim(); ++d) size += (d ? ", " : "") + std::to_string(t.size(d));
      suffixes.push_back(size + ")");
    }
    if (t.dtype() != kFloat32) suffixes.push_back(dtype_suffix);
    text += "[]";
  } else {
    if (t.dtype() == kFloat64) suffixes.push_back(dtype_suffix);
    text += Printer(t).body(indent);
  }
  if (t.grad_fn()) {
    suffixes.push_back(std::string("grad_fn=<") + t.grad_fn()->name() + ">");
  } else if (t.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }
  add_suffixes(text, suffixes, indent);
  return os << text;
}

}  // namespace nabla
