#include "nabla/tensor/shape.h"

#include "nabla/tensor/dtype.h"

#include <sstream>

namespace nabla {

std::string Shape::str() const {
  std::ostringstream os;
  os << *this;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Shape& s) {
  os << '[';
  for (int i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  return os << ']';
}

Shape contiguous_strides(const Shape& shape) {
  Shape st = Shape::filled(shape.size(), 1);
  for (int i = shape.size() - 2; i >= 0; --i) st[i] = st[i + 1] * std::max<int64_t>(shape[i + 1], 1);
  return st;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const int n = std::max(a.size(), b.size());
  Shape out = Shape::filled(n, 1);
  for (int i = 0; i < n; ++i) {
    const int ia = a.size() - n + i, ib = b.size() - n + i;
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    NABLA_CHECK(da == db || da == 1 || db == 1, op, "shapes ", a, " and ", b,
                " are not broadcastable (dim ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int wrap_dim(int64_t dim, int ndim, const char* op) {
  const int64_t n = std::max(ndim, 1);  // a 0-d tensor accepts dim 0 and -1, like PyTorch
  NABLA_CHECK(dim >= -n && dim < n, op, "dimension ", dim, " out of range for a tensor with ", ndim,
              " dimensions");
  return static_cast<int>(dim < 0 ? dim + n : dim);
}

}  // namespace nabla

namespace nabla {
void throw_not_floating(const char* op, DType t) {
  detail::fail(op, "needs a floating-point tensor (float32 or float64), got ", t);
}
}  // namespace nabla
