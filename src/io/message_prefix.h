#pragma once
// The start of every error message about a file: "'<path>': ".
#include <filesystem>
#include <string>

namespace nabla::io {

inline std::string message_prefix(const std::filesystem::path& path) {
  // Appended rather than written "'" + path.string() + "': ", which GCC 12 warns about
  // falsely at -O3 (-Wrestrict, GCC bug 105651).
  std::string out = "'";
  out.append(path.string()).append("': ");
  return out;
}

}  // namespace nabla::io
