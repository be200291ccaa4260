#include "examples/report.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "nabla/io/atomic_file.h"
#include "nabla/tensor/error.h"

namespace nabla::examples {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kStyle = R"(
body { font-family: sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #1a7f37; font-weight: bold; }
.unmet, .failed { color: #c62828; font-weight: bold; }
.note { background: #fff8e1; border-left: 4px solid #f9a825; padding: 0.5em 1em; }
section { border-top: 1px solid #ddd; margin-top: 2em; }
figure { display: inline-block; margin: 0.5em 1em 1em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #555; }
code, pre { background: #f6f8fa; padding: 0.1em 0.3em; }
pre { padding: 0.5em; white-space: pre-wrap; }
)";

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t chunk = 0;
    for (size_t k = 0; k < 3; ++k) chunk = (chunk << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kDigits[(chunk >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string number(double v, int precision = 6) {
  std::ostringstream os;
  os.precision(precision);
  os << v;
  return os.str();
}

const char* mime_type(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".png") return "image/png";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  return nullptr;
}

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  json j = json::parse(in);
  NABLA_CHECK(j.is_object(), "nabla report", path.string(), " is not a JSON object");
  return j;
}

// What the page shows of one example.
struct Entry {
  std::string name{};
  std::string seed{};
  int64_t checks = 0;
  int64_t met = 0;
  bool failed = false;
  bool shortened = false;
  double seconds = 0;
  std::string section{};  // its part of the page
};

std::string status(const Entry& e) {
  if (e.failed) return "<span class=\"failed\">failed</span>";
  if (e.checks == 0) return "no checks";
  if (e.met == e.checks) return "<span class=\"met\">all met</span>";
  return "<span class=\"unmet\">" + std::to_string(e.checks - e.met) + " not met</span>";
}

// "seed 0, epochs 500, --full" from results.json's settings.
std::string settings_text(const json& settings) {
  std::string text = "seed " + settings.value("seed", json(0)).dump();
  bool defaults = true;
  for (const char* key : {"epochs", "batch_size", "lr"})
    if (settings.contains(key)) {
      text += std::string(", ") + key + " " + settings[key].dump();
      defaults = false;
    }
  if (defaults) text += ", the example's own epochs, batch size and learning rate";
  return text + (settings.value("full", false) ? ", --full" : "");
}

void write_figures(std::ostream& os, const std::filesystem::path& folder, const json& results) {
  // The figures results.json lists, in its order; a folder from an older run lists none, so
  // every image in it is shown instead.
  std::vector<std::pair<std::string, std::string>> figures;
  for (const json& figure : results.value("figures", json::array()))
    figures.emplace_back(figure.value("file", ""), figure.value("caption", ""));
  if (!results.contains("figures")) {
    for (const auto& item : std::filesystem::directory_iterator(folder))
      if (mime_type(item.path()) != nullptr) figures.emplace_back(item.path().filename().string(), "");
    std::sort(figures.begin(), figures.end());
  }
  if (figures.empty()) return;
  os << "<h3>Figures</h3>\n";
  for (const auto& [file, caption] : figures) {
    // Only a name inside the example's folder.
    const std::filesystem::path path = folder / std::filesystem::path(file).filename();
    const char* mime = mime_type(path);
    const std::string text = escape(caption.empty() ? file : caption);
    if (mime == nullptr || !std::filesystem::is_regular_file(path)) {
      os << "<p class=\"failed\">missing figure: " << escape(file) << "</p>\n";
      continue;
    }
    os << "<figure><img src=\"data:" << mime << ";base64," << base64(read_bytes(path)) << "\" alt=\"" << text
       << "\"><figcaption>" << text << " (" << escape(file) << ")</figcaption></figure>\n";
  }
}

// The trained models the run saved next to its results, by name.
void write_models(std::ostream& os, const std::filesystem::path& folder) {
  std::vector<std::string> models;
  for (const auto& item : std::filesystem::directory_iterator(folder))
    if (item.path().extension() == ".safetensors") models.push_back(item.path().filename().string());
  if (models.empty()) return;
  std::sort(models.begin(), models.end());
  os << "<h3>Trained models</h3>\n<p>In the example's folder, with PyTorch's parameter names "
     << "(<code>safetensors.torch.load_file</code> reads them):";
  for (size_t i = 0; i < models.size(); ++i)
    os << (i == 0 ? " " : ", ") << "<code>" << escape(models[i]) << "</code>";
  os << "</p>\n";
}

void write_checks(std::ostream& os, const json& checks) {
  if (checks.empty()) return;
  os << "<h3>Checks</h3>\n<table><tr><th>criterion</th><th>value</th><th>met</th></tr>\n";
  for (const json& check : checks) {
    const bool met = check.value("met", false);
    os << "<tr><td>" << escape(check.value("criterion", "")) << "</td><td class=\"number\">"
       << number(check.value("value", 0.0)) << "</td><td class=\"" << (met ? "met\">met" : "unmet\">not met")
       << "</td></tr>\n";
  }
  os << "</table>\n";
}

// A table of name and value; numbers to 6 digits, anything else as JSON.
void write_values(std::ostream& os, const json& values, const char* heading) {
  if (values.empty()) return;
  os << "<table><tr><th>" << heading << "</th><th>value</th></tr>\n";
  for (const auto& [name, value] : values.items())
    os << "<tr><td>" << escape(name) << "</td><td class=\"number\">"
       << (value.is_number() ? number(value.get<double>()) : escape(value.dump())) << "</td></tr>\n";
  os << "</table>\n";
}

void write_section(std::ostream& os, const Entry& e, const std::filesystem::path& folder, const json& r,
                   const json& config) {
  os << "<p>" << escape(r.value("title", "")) << "</p>\n<p><b>Seed:</b> " << escape(e.seed) << "</p>\n";
  if (r.contains("error")) os << "<p class=\"failed\">The run failed: " << escape(r.value("error", "")) << "</p>\n";
  if (e.shortened)
    os << "<p class=\"note\">This run used the shortened defaults; <code>nabla run " << escape(e.name)
       << " --full</code> runs the long version.</p>\n";
  write_checks(os, r.value("checks", json::array()));
  const json metrics = r.value("metrics", json::object());
  if (!metrics.empty()) os << "<h3>Metrics</h3>\n";
  write_values(os, metrics, "metric");
  write_figures(os, folder, r);
  write_models(os, folder);
  os << "<h3>Settings</h3>\n<p>" << escape(settings_text(r.value("settings", json::object()))) << "; ran in "
     << number(e.seconds, 3) << " s";
  if (r.contains("finished")) os << ", finished " << escape(r.value("finished", ""));
  os << ".</p>\n";
  write_values(os, config.value("resolved", json::object()), "setting used");
  if (config.contains("command"))
    os << "<p>To repeat it:</p><pre>" << escape(config.value("command", "")) << "</pre>\n";
}

// Reads folder/results.json (and config.json); a file that cannot be read, or holds the
// wrong types, makes the entry a failure that says why.
Entry read_entry(const std::filesystem::path& folder) {
  Entry e{.name = folder.filename().string()};
  std::ostringstream section;
  try {
    const json r = read_json(folder / "results.json");
    const json config =
        std::filesystem::exists(folder / "config.json") ? read_json(folder / "config.json") : json::object();
    e.name = r.value("example", e.name);
    e.seed = r.value("seed", "");
    for (const json& check : r.value("checks", json::array())) {
      ++e.checks;
      e.met += check.value("met", false) ? 1 : 0;
    }
    e.failed = r.contains("error");
    e.shortened = r.value("shortened", false);
    e.seconds = r.value("seconds", 0.0);
    write_section(section, e, folder, r, config);
  } catch (const std::exception& error) {
    e = Entry{.name = e.name, .failed = true};
    section.str("");
    section << "<p class=\"failed\">cannot read " << escape((folder / "results.json").string()) << ": "
            << escape(error.what()) << "</p>\n";
  }
  e.section = "<section id=\"" + escape(e.name) + "\">\n<h2>" + escape(e.name) + " &mdash; " + status(e) + "</h2>\n" +
              section.str() + "</section>\n";
  return e;
}

std::vector<Entry> read_entries(const std::filesystem::path& dir) {
  NABLA_CHECK(std::filesystem::is_directory(dir), "nabla report", "'", dir.string(),
              "' is not a folder: run `nabla run all --out ", dir.string(), "` first");
  std::vector<std::filesystem::path> folders;
  for (const auto& item : std::filesystem::directory_iterator(dir))
    if (item.is_directory() && std::filesystem::exists(item.path() / "results.json")) folders.push_back(item.path());
  NABLA_CHECK(!folders.empty(), "nabla report", "no results.json in any folder of '", dir.string(),
              "': run `nabla run all --out ", dir.string(), "` first");
  std::sort(folders.begin(), folders.end());
  std::vector<Entry> entries;
  for (const auto& folder : folders) entries.push_back(read_entry(folder));
  return entries;
}

void write_html(std::ostream& os, const std::vector<Entry>& entries) {
  int64_t met = 0, failed = 0, shortened = 0;
  for (const Entry& e : entries) {
    failed += e.failed ? 1 : 0;
    met += !e.failed && e.met == e.checks ? 1 : 0;
    shortened += e.shortened ? 1 : 0;
  }
  const int64_t total = static_cast<int64_t>(entries.size());
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<title>nabla: the seed examples</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
     << "<h1>nabla: the seed examples</h1>\n<p>" << total << " example(s): " << met << " met every check, "
     << total - met - failed << " missed one, " << failed << " failed.</p>\n";
  if (shortened > 0)
    os << "<p class=\"note\">" << shortened << " of these runs used the shortened defaults, to finish quickly; "
       << "<code>nabla run all --full</code> runs the long versions.</p>\n";
  os << "<table><tr><th>example</th><th>seed</th><th>checks met</th><th>time (s)</th></tr>\n";
  for (const Entry& e : entries)
    os << "<tr><td><a href=\"#" << escape(e.name) << "\">" << escape(e.name) << "</a></td><td>" << escape(e.seed)
       << "</td><td>" << e.met << " / " << e.checks << " " << status(e) << "</td><td class=\"number\">"
       << number(e.seconds, 3) << "</td></tr>\n";
  os << "</table>\n";
  for (const Entry& e : entries) os << e.section;
  os << "</body>\n</html>\n";
}

}  // namespace

std::filesystem::path write_report(const std::filesystem::path& dir) {
  const std::vector<Entry> entries = read_entries(dir);
  const std::filesystem::path path = dir / "report.html";
  io::write_atomically(path, [&](std::ostream& os) { write_html(os, entries); });
  return path;
}

}  // namespace nabla::examples
