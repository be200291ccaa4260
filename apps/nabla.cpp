// The `nabla` command: lists the seed examples and runs them, writing each one's results to
// its output folder.
//   nabla list
//   nabla run house-prices boston-housing --out out --seed 1
//   nabla run all
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "examples/example.h"
#include "nabla/io/atomic_file.h"
#include "nabla/tensor/error.h"
#include "nabla/tensor/threading.h"

namespace {

using nabla::examples::Example;
using nabla::examples::Settings;
using json = nlohmann::ordered_json;

json settings_json(const Settings& s) {
  json j{{"seed", s.seed}, {"full", s.full}, {"data_dir", s.data_dir.string()}};
  if (s.epochs) j["epochs"] = *s.epochs;
  if (s.batch_size) j["batch_size"] = *s.batch_size;
  if (s.lr) j["lr"] = *s.lr;
  return j;
}

// Restores a stream's formatting (precision, fixed, ...) that an example changed.
class FormatGuard {
 public:
  explicit FormatGuard(std::ostream& os) : os_(os), saved_(nullptr) { saved_.copyfmt(os); }
  ~FormatGuard() { os_.copyfmt(saved_); }
  FormatGuard(const FormatGuard&) = delete;
  FormatGuard& operator=(const FormatGuard&) = delete;

 private:
  std::ostream& os_;
  std::ios saved_;
};

// Runs one example into out/<name>/ and writes its results.json there; returns whether
// every check was met.
bool run_example(const Example& example, Settings settings, const std::filesystem::path& out) {
  const FormatGuard format(std::cout);
  settings.out_dir = out / example.name;
  std::filesystem::create_directories(settings.out_dir);
  std::cout << "== " << example.name << " (seed " << example.seed << "): " << example.title << '\n';
  const auto start = std::chrono::steady_clock::now();
  const nabla::examples::Outcome outcome = example.run(settings);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  json result{{"example", example.name}, {"seed", example.seed}, {"title", example.title},
              {"settings", settings_json(settings)}, {"seconds", seconds}, {"metrics", json::object()},
              {"checks", json::array()}};
  for (const auto& [name, value] : outcome.metrics) result["metrics"][name] = value;
  bool all_met = true;
  for (const auto& check : outcome.checks) {
    result["checks"].push_back({{"criterion", check.criterion}, {"value", check.value}, {"met", check.met}});
    std::cout << (check.met ? "  [met]     " : "  [NOT MET] ") << check.criterion << " (" << check.value << ")\n";
    all_met = all_met && check.met;
  }
  nabla::io::write_atomically(settings.out_dir / "results.json",
                              [&](std::ostream& os) { os << result.dump(2) << '\n'; });
  std::cout << "  " << seconds << " s; results in " << (settings.out_dir / "results.json").string() << "\n\n";
  return all_met;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nabla: the seed examples, trained and checked"};
  app.require_subcommand(1);

  app.add_subcommand("list", "list the examples")->callback([] {
    for (const Example& e : nabla::examples::all_examples())
      std::cout << e.name << std::string(e.name.size() < 18 ? 18 - e.name.size() : 1, ' ') << e.title << '\n';
  });

  CLI::App* run = app.add_subcommand("run", "run examples (or all of them) and write their results");
  std::vector<std::string> names;
  Settings settings{.data_dir = std::getenv("NABLA_DATA") ? std::getenv("NABLA_DATA") : NABLA_DEFAULT_DATA_DIR};
  std::string out = "out";
  int threads = 0;
  run->add_option("names", names, "example names, or 'all'")->required();
  run->add_option("--out", out, "output folder (one subfolder per example)")->capture_default_str();
  run->add_option("--data-dir", settings.data_dir, "the data sets from scripts/fetch-data.sh (or $NABLA_DATA)");
  run->add_option("--seed", settings.seed, "random seed")->capture_default_str();
  run->add_option("--epochs", settings.epochs, "epochs (or iterations), instead of the example's default")
      ->check(CLI::PositiveNumber);
  run->add_option("--batch-size", settings.batch_size, "batch size")->check(CLI::PositiveNumber);
  run->add_option("--lr", settings.lr, "learning rate")->check(CLI::PositiveNumber);
  run->add_option("--threads", threads, "threads (default: all cores)")->check(CLI::NonNegativeNumber);
  run->add_flag("--full", settings.full, "the long runs, where the default is shortened");

  int status = 0;
  run->callback([&] {
    if (threads > 0) nabla::set_num_threads(threads);
    std::vector<const Example*> chosen;
    for (const std::string& name : names) {
      if (name == "all")
        for (const Example& e : nabla::examples::all_examples()) chosen.push_back(&e);
      else
        chosen.push_back(&nabla::examples::find_example(name));
    }
    int failed = 0, unmet = 0;
    for (const Example* e : chosen) {
      try {
        if (!run_example(*e, settings, out)) ++unmet;
      } catch (const std::exception& error) {
        std::cout << "  failed: " << error.what() << "\n\n";
        ++failed;
      }
    }
    std::cout << chosen.size() << " example(s): " << chosen.size() - failed - unmet << " met every check, " << unmet
              << " missed one, " << failed << " failed\n";
    status = failed > 0 ? 1 : 0;
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "nabla: " << e.what() << '\n';
    return 1;
  }
  return status;
}
