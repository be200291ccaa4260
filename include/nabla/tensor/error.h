#pragma once
// nabla::Error: the one exception type the library throws for bad input.
// Messages name the op and the shapes or values involved.
#include <sstream>
#include <stdexcept>
#include <string>

namespace nabla {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

namespace detail {
template <class... Args>
[[noreturn]] void fail(const char* op, const Args&... args) {
  std::ostringstream os;
  os << op << ": ";
  (os << ... << args);
  throw Error(os.str());
}
}  // namespace detail

}  // namespace nabla

// NABLA_CHECK(cond, "op", "message parts", value, ...) throws nabla::Error
// "op: message parts..." when cond is false. Arguments are only formatted on failure.
#define NABLA_CHECK(cond, op, ...)                          \
  do {                                                      \
    if (!(cond)) [[unlikely]]                               \
      ::nabla::detail::fail(op, __VA_ARGS__);               \
  } while (0)
