#include "nabla/data/digits.h"

#include <charconv>
#include <string_view>
#include <vector>

#include "nabla/tensor/factory.h"
#include "src/data/gzip_file.h"

namespace nabla::data {
namespace {

constexpr int64_t kPixels = 64;
constexpr int64_t kMaxLevel = 16;
constexpr size_t kMaxBytes = size_t{1} << 26;  // the real file decompresses to 460 KB

std::string read_text(const std::string& path) {
  detail::GzipFile file(path, "load_digits");
  std::string text;
  char buf[1 << 16];
  while (const size_t got = file.read(buf, sizeof buf)) {
    text.append(buf, got);
    NABLA_CHECK(text.size() <= kMaxBytes, "load_digits", "'", path, "': more than ", kMaxBytes,
                " bytes, not the digits file");
  }
  NABLA_CHECK(!file.truncated(), "load_digits", "'", path, "': the gzip stream ends early, after ",
              text.size(), " bytes");
  return text;
}

}  // namespace

Example load_digits(const std::string& path) {
  const std::string text = read_text(path);
  std::vector<float> pixels;
  std::vector<int64_t> labels;
  int64_t line_number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    int64_t field = 0;
    for (size_t at = 0; at <= line.size(); ++field) {
      size_t stop = line.find(',', at);
      if (stop == std::string_view::npos) stop = line.size();
      const std::string_view token = line.substr(at, stop - at);
      int64_t v = -1;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      NABLA_CHECK(ec == std::errc() && ptr == token.data() + token.size(), "load_digits", "'", path,
                  "' line ", line_number, ": field ", field + 1, " ('", token, "') is not an integer");
      NABLA_CHECK(field <= kPixels, "load_digits", "'", path, "' line ", line_number, ": more than ",
                  kPixels + 1, " fields");
      if (field < kPixels) {
        NABLA_CHECK(v >= 0 && v <= kMaxLevel, "load_digits", "'", path, "' line ", line_number, ": pixel ",
                    field + 1, " is ", v, ", outside 0..16");
        pixels.push_back(static_cast<float>(v) / kMaxLevel);
      } else {
        NABLA_CHECK(v >= 0 && v <= 9, "load_digits", "'", path, "' line ", line_number, ": label ", v,
                    " is not a digit");
        labels.push_back(v);
      }
      at = stop + 1;
    }
    NABLA_CHECK(field == kPixels + 1, "load_digits", "'", path, "' line ", line_number, ": expected ",
                kPixels + 1, " fields (64 pixels and the label), got ", field);
  }
  const int64_t n = static_cast<int64_t>(labels.size());
  NABLA_CHECK(n > 0, "load_digits", "'", path, "' holds no digits");
  return {from_vector(pixels, {n, 1, 8, 8}), from_vector(labels, {n})};
}

}  // namespace nabla::data
