// The `nabla` command: lists the seed examples, runs them (writing each one's results,
// configuration and figures to its output folder) and gathers the results into a report.
//   nabla list
//   nabla run house-prices boston-housing --out out --seed 1
//   nabla run all
//   nabla report out
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "examples/example.h"
#include "examples/tuning.h"
#include "examples/report.h"
#include "examples/results.h"
#include "nabla/tensor/error.h"
#include "nabla/tensor/threading.h"
#include "nabla/train/interrupt.h"

namespace {

using nabla::examples::Example;
using nabla::examples::Settings;

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

// Runs one example into out/<name>/ and writes its results.json and config.json there, also
// when it fails (with the error, for the report); returns whether every check was met.
bool run_example(const Example& example, Settings settings, const std::filesystem::path& out) {
  settings.out_dir = out / example.name;
  std::filesystem::create_directories(settings.out_dir);
  std::cout << "== " << example.name << " (seed " << example.seed << "): " << example.title << '\n';
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  nabla::examples::Outcome outcome;
  try {
    const FormatGuard format(std::cout);
    outcome = example.run(settings);
  } catch (const std::exception& error) {
    nabla::examples::write_results(example, settings, {}, elapsed(), error.what());
    throw;
  }
  const double seconds = elapsed();
  nabla::examples::write_results(example, settings, outcome, seconds);
  bool all_met = true;
  for (const auto& check : outcome.checks) {
    std::cout << (check.met ? "  [met]     " : "  [NOT MET] ") << check.criterion << " (" << check.value << ")\n";
    all_met = all_met && check.met;
  }
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
  run->add_flag("--resume", settings.resume,
                "continue the trainings an interrupted run (Ctrl-C) checkpointed in --out");

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
    // Ctrl-C stops the training at the next batch; the examples checkpoint every epoch.
    const nabla::train::InterruptHandler ctrl_c;
    for (const Example* e : chosen) {
      try {
        if (!run_example(*e, settings, out)) ++unmet;
      } catch (const nabla::train::Interrupted& stop) {
        std::string again;
        for (const std::string& name : names) again += name + " ";
        std::cout << "  " << stop.what() << "\n\nstopped; to continue: nabla run " << again << "--resume --out " << out
                  << " (with the same options)\n";
        status = 130;  // what a shell reports for a process that SIGINT ended
        return;
      } catch (const std::exception& error) {
        std::cout << "  failed: " << error.what() << "\n\n";
        ++failed;
      }
    }
    std::cout << chosen.size() << " example(s): " << chosen.size() - failed - unmet << " met every check, " << unmet
              << " missed one, " << failed << " failed\n";
    status = failed > 0 ? 1 : 0;
  });

  CLI::App* tune = app.add_subcommand("tune", "search an example's hyper-parameters, ranked by its validation loss");
  std::string tune_name, grid;
  std::optional<int64_t> trials;
  tune->add_option("name", tune_name, "the example (one that reports a validation objective)")->required();
  tune->add_option("--grid", grid, "values to try: 'lr=1e-3,3e-3;hidden=32,64'")->required();
  tune->add_option("--trials", trials, "random search: this many combinations (default: all of them)")
      ->check(CLI::PositiveNumber);
  tune->add_option("--out", out, "output folder: the trials go to OUT/<name>/tune/")->capture_default_str();
  tune->add_option("--data-dir", settings.data_dir, "the data sets from scripts/fetch-data.sh (or $NABLA_DATA)");
  tune->add_option("--seed", settings.seed, "random seed (of every trial and of the random search)")
      ->capture_default_str();
  tune->add_option("--epochs", settings.epochs, "epochs of every trial (the grid may vary them)")
      ->check(CLI::PositiveNumber);
  tune->callback([&] {
    const Example& example = nabla::examples::find_example(tune_name);
    const auto plan = nabla::examples::search_trials(nabla::examples::parse_grid(grid), trials, settings.seed);
    Settings base = settings;
    base.out_dir = std::filesystem::path(out) / example.name / "tune";
    std::filesystem::create_directories(base.out_dir);
    std::ostringstream quiet;  // the trials' own progress; the summary goes to the terminal
    base.log = &quiet;
    const auto results = nabla::examples::tune(example, base, plan);
    std::cout << example.name << ": " << results.size() << " trial(s), best first by " << example.objective << '\n';
    for (size_t rank = 0; rank < results.size(); ++rank) {
      std::cout << "  " << rank + 1 << ". " << example.objective << " " << results[rank].objective << "  ";
      for (const auto& [name, value] : results[rank].trial) std::cout << ' ' << name << '=' << value;
      std::cout << "  (trial-" << results[rank].index << ")\n";
    }
    const auto table = nabla::examples::write_tuning_results(results, example.objective, base.out_dir);
    std::cout << "ranked table: " << table.string() << "; curves: " << (base.out_dir / "tuning.png").string() << '\n';
  });

  CLI::App* report = app.add_subcommand("report", "gather every DIR/<example>/results.json into DIR/report.html");
  std::string report_dir = "out";
  report->add_option("dir", report_dir, "the folder `nabla run --out` wrote")->capture_default_str();
  report->callback([&] {
    const std::filesystem::path page = nabla::examples::write_report(report_dir);
    std::cout << "report: " << page.string() << '\n';
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
