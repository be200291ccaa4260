#include "nabla/data/csv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string_view>
#include <vector>

#include "nabla/tensor/factory.h"

namespace nabla::data {
namespace {

constexpr std::string_view kMissing[] = {"",     "NA",   "N/A",  "n/a",  "NaN",  "nan",
                                         "-nan", "NULL", "null", "None", "#N/A", "<NA>"};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Reads one file line by line, splitting each into fields and naming the file and line in
// every error.
class CsvReader {
 public:
  CsvReader(const std::string& path, const CsvOptions& options) : path_(path), options_(options) {
    NABLA_CHECK(options.skip_rows >= 0, "read_csv", "skip_rows must be non-negative, got ",
                options.skip_rows);
    NABLA_CHECK(options.delimiter != '"' && options.delimiter != '\n' && options.delimiter != '\r' &&
                    options.delimiter != '\0' && options.delimiter != options.comment,
                "read_csv", "invalid delimiter '", options.delimiter, "'");
    NABLA_CHECK(!std::filesystem::is_directory(path), "read_csv", "'", path, "' is a directory");
    std::ifstream in(path, std::ios::binary);
    NABLA_CHECK(in, "read_csv", "cannot open '", path, "': ", std::strerror(errno));
    text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    NABLA_CHECK(!in.bad(), "read_csv", "cannot read '", path, "'");
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  // The fields of the next line that is not blank (after skipping a comment), or false at the end.
  bool next_row(std::vector<std::string>& fields) {
    std::string_view line;
    do {
      if (pos_ >= text_.size()) return false;
      line = next_line();
      split(line, fields);
    } while (fields.size() == 1 && fields[0].empty() && !quoted_);
    return true;
  }

  // Skips lines whatever they hold; false if the file ends first.
  bool skip_lines(int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      if (pos_ >= text_.size()) return false;
      next_line();
    }
    return true;
  }

  template <class... Args>
  [[noreturn]] void fail(const Args&... args) const {
    nabla::detail::fail("read_csv", "'", path_, "' line ", line_, ": ", args...);
  }

 private:
  std::string_view next_line() {
    size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    std::string_view line(text_.data() + pos_, end - pos_);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos_ = end + 1;
    ++line_;
    return line;
  }

  // Splits a line at delimiters outside double quotes, up to a comment; quoted_ says whether
  // any field was quoted (so a line holding only "" is not blank).
  void split(std::string_view line, std::vector<std::string>& fields) {
    fields.clear();
    quoted_ = false;
    std::string field;
    bool in_field_quotes = false, field_quoted = false;
    auto finish = [&] {
      fields.emplace_back(field_quoted ? std::string_view(field) : trim(field));
      field.clear();
      field_quoted = false;
    };
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (in_field_quotes) {
        if (c != '"') {
          field += c;
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_field_quotes = false;
        }
      } else if (c == options_.delimiter) {
        finish();
      } else if (options_.comment != '\0' && c == options_.comment) {
        break;
      } else if (c == '"' && !field_quoted && trim(field).empty()) {
        in_field_quotes = field_quoted = quoted_ = true;
        field.clear();
      } else if (field_quoted) {
        if (c != ' ' && c != '\t') fail("unexpected '", c, "' after a quoted field");
      } else {
        field += c;
      }
    }
    if (in_field_quotes) fail("a quoted field is not closed");
    finish();
  }

  std::string path_;
  CsvOptions options_;
  std::string text_;
  size_t pos_ = 0;
  int64_t line_ = 0;
  bool quoted_ = false;
};

enum class Cell { number, missing, invalid, out_of_range };

// Reads `field` into `value`: a number, or a missing value (NaN).
Cell parse_cell(std::string_view field, double& value) {
  value = std::numeric_limits<double>::quiet_NaN();
  if (std::find(std::begin(kMissing), std::end(kMissing), field) != std::end(kMissing)) return Cell::missing;
  // from_chars takes no leading '+', which strtod (and Python's float) accept.
  if (field.size() > 1 && field[0] == '+' && field[1] != '-') field.remove_prefix(1);
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec == std::errc::result_out_of_range) return Cell::out_of_range;
  if (ec != std::errc() || end != field.data() + field.size()) return Cell::invalid;
  // Spellings of NaN beyond the list ("NAN", "nan(1)") are missing values too.
  return std::isnan(value) ? Cell::missing : Cell::number;
}

}  // namespace

Table read_csv(const std::string& path, CsvOptions options) {
  CsvReader reader(path, options);
  std::vector<std::string> header, fields;
  if (!reader.skip_lines(options.skip_rows) || !reader.next_row(header))
    nabla::detail::fail("read_csv", "'", path, "' has no header row",
                        options.skip_rows ? " after the skipped lines" : ": the file is empty or blank");
  std::set<std::string> seen;
  for (size_t j = 0; j < header.size(); ++j) {
    if (header[j].empty()) reader.fail("the header's column ", j + 1, " has no name");
    if (!seen.insert(header[j]).second) reader.fail("duplicate column name '", header[j], "'");
  }
  std::vector<double> values;
  int64_t rows = 0;
  while (reader.next_row(fields)) {
    if (fields.size() != header.size())
      reader.fail("the row has ", fields.size(), " fields but the header has ", header.size());
    for (size_t j = 0; j < fields.size(); ++j) {
      double v = 0;
      switch (parse_cell(fields[j], v)) {
        case Cell::number:
          break;
        case Cell::missing:
          if (!options.missing_as_nan)
            reader.fail("column '", header[j], "': missing value '", fields[j],
                        "' (set missing_as_nan to read it as NaN)");
          break;
        case Cell::invalid:
          reader.fail("column '", header[j], "': '", fields[j], "' is not a number");
        case Cell::out_of_range:
          reader.fail("column '", header[j], "': ", fields[j], " is outside the range of float64");
      }
      values.push_back(v);
    }
    ++rows;
  }
  return Table(std::move(header), from_vector(values, {rows, static_cast<int64_t>(seen.size())}));
}

}  // namespace nabla::data
