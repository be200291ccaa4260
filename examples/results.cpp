#include "examples/results.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nabla/io/atomic_file.h"
#include "nabla/tensor/threading.h"

namespace nabla::examples {
namespace {

using json = nlohmann::ordered_json;

json settings_json(const Settings& s) {
  json j{{"seed", s.seed}, {"full", s.full}, {"data_dir", s.data_dir.string()}};
  if (s.epochs) j["epochs"] = *s.epochs;
  if (s.batch_size) j["batch_size"] = *s.batch_size;
  if (s.lr) j["lr"] = *s.lr;
  return j;
}

// The command line that repeats the run (into the same folder).
std::string command(const Example& example, const Settings& s) {
  std::ostringstream os;
  os.precision(17);
  os << "nabla run " << example.name << " --out " << s.out_dir.parent_path().string() << " --data-dir "
     << s.data_dir.string() << " --seed " << s.seed;
  if (s.epochs) os << " --epochs " << *s.epochs;
  if (s.batch_size) os << " --batch-size " << *s.batch_size;
  if (s.lr) os << " --lr " << *s.lr;
  if (s.full) os << " --full";
  os << " --threads " << get_num_threads();
  return os.str();
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void write_json(const std::filesystem::path& path, const json& j) {
  io::write_atomically(path, [&](std::ostream& os) { os << j.dump(2) << '\n'; });
}

}  // namespace

void write_results(const Example& example, const Settings& settings, const Outcome& outcome, double seconds,
                   const std::string& error) {
  json result{{"example", example.name},
              {"seed", example.seed},
              {"title", example.title},
              {"settings", settings_json(settings)},
              {"seconds", seconds},
              {"finished", utc_now()},
              {"shortened", outcome.shortened},
              {"metrics", json::object()},
              {"checks", json::array()},
              {"figures", json::array()}};
  for (const auto& [name, value] : outcome.metrics) result["metrics"][name] = value;
  for (const Check& check : outcome.checks)
    result["checks"].push_back({{"criterion", check.criterion}, {"value", check.value}, {"met", check.met}});
  for (const FigureFile& figure : outcome.figures)
    result["figures"].push_back({{"file", figure.file}, {"caption", figure.caption}});
  if (!error.empty()) result["error"] = error;
  write_json(settings.out_dir / "results.json", result);

  json config{{"example", example.name},
              {"command", command(example, settings)},
              {"settings", settings_json(settings)},
              {"threads", get_num_threads()},
              {"resolved", json::object()}};
  // Counts (epochs, batch sizes) as integers.
  for (const auto& [name, value] : outcome.config)
    config["resolved"][name] =
        value == std::round(value) && std::abs(value) < 0x1p53 ? json(static_cast<int64_t>(value)) : json(value);
  write_json(settings.out_dir / "config.json", config);
}

std::optional<std::vector<Check>> finished_checks(const Example& example, const Settings& settings) {
  std::ifstream in(settings.out_dir / "results.json");
  const json r = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!r.is_object() || r.value("example", "") != example.name || r.contains("error") ||
      r.value("settings", json()) != settings_json(settings) || !r.contains("checks"))
    return std::nullopt;
  try {
    std::vector<Check> checks;
    for (const json& c : r.at("checks"))
      checks.push_back(
          {c.at("criterion").get<std::string>(), c.at("value").get<double>(), c.at("met").get<bool>()});
    return checks;
  } catch (const json::exception&) {
    return std::nullopt;  // written by something else: run the example again
  }
}

}  // namespace nabla::examples
