#include "src/nn/repr.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace nabla::nn::internal {

std::string py_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Shortest round-trip digits from to_chars, re-laid out the way Python's repr does.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string s(buf, res.ptr);
  const size_t e_pos = s.find('e');
  const int exp = std::atoi(s.c_str() + e_pos + 1);
  const bool neg = s[0] == '-';
  std::string digits;
  for (size_t i = neg; i < e_pos; ++i)
    if (s[i] != '.') digits += s[i];
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 16) {
    out += digits.substr(0, 1);
    // Appended, not "." + digits.substr(1), which GCC 12 warns about falsely (-Wrestrict).
    if (digits.size() > 1) out.append(".").append(digits, 1);
    out += exp < 0 ? "e-" : "e+";
    const std::string e = std::to_string(std::abs(exp));
    out += (e.size() < 2 ? "0" : "") + e;
    return out;
  }
  if (exp < 0) return out + "0." + std::string(-exp - 1, '0') + digits;
  const size_t int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0') + ".0";
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

std::string py_number(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::abs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  return py_float(v);
}

std::string py_tuple(const std::vector<std::string>& items) {
  std::string out = "(";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + (items.size() == 1 ? ",)" : ")");
}

std::string py_tuple(const std::vector<int64_t>& v) {
  std::vector<std::string> items;
  for (int64_t x : v) items.push_back(std::to_string(x));
  return py_tuple(items);
}

}  // namespace nabla::nn::internal
