// The `nabla` command: lists the seed examples, runs them (writing each one's results,
// configuration and figures to its output folder) and gathers the results into a report.
//   nabla list
//   nabla run house-prices boston-housing --out out --seed 1
//   nabla run all
//   nabla report out
//   mpirun -np 2 nabla run fashion-cnn     (data-parallel, when built with MPI)
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "examples/example.h"
#include "examples/report.h"
#include "examples/results.h"
#include "examples/tuning.h"
#include "nabla/tensor/error.h"
#include "nabla/tensor/threading.h"
#include "nabla/train/interrupt.h"
#ifdef NABLA_WITH_MPI
#include "nabla/dist/collectives.h"
#include "nabla/dist/ddp_strategy.h"
#include "nabla/dist/process_group.h"
#endif

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

// The processes that run the examples: this one alone or, under mpirun (when the command is
// built with MPI), a data-parallel group. Each process then uses its share of the machine's
// cores unless --threads says otherwise.
class Processes {
 public:
  explicit Processes(int threads) {
#ifdef NABLA_WITH_MPI
    if (nabla::dist::launched_by_mpirun()) {
      environment_.emplace();
      if (nabla::dist::world_size() > 1) strategy_ = std::make_shared<nabla::dist::DDPStrategy>();
      if (threads == 0) threads = std::max(1, all_threads_ / nabla::dist::local_world_size());
    }
#endif
    if (threads > 0) nabla::set_num_threads(threads);
  }

  // Null for one process.
  const std::shared_ptr<nabla::train::DistributedStrategy>& strategy() const { return strategy_; }
  int size() const { return strategy_ ? strategy_->world_size() : 1; }
  bool is_main() const { return !strategy_ || strategy_->rank() == 0; }
  // The threads of a process that runs an example alone: every core, unless --threads said.
  int solo_threads(int threads) const { return threads > 0 ? threads : all_threads_; }

  // Where an example runs on rank 0 alone: the others wait here, and rank 0 comes here after it
  // and tells them whether the run stops (interrupted). Returns whether it does.
  bool wait_for_rank0(bool stop) const {
#ifdef NABLA_WITH_MPI
    if (strategy_) {
      nabla::dist::idle_barrier();
      return nabla::dist::all_reduce(stop ? 1.0 : 0.0, nabla::dist::ReduceOp::Max) > 0;
    }
#endif
    return stop;
  }

  // Rank 0's `value`, on every process.
  bool from_rank0(bool value) const {
#ifdef NABLA_WITH_MPI
    if (strategy_)
      return nabla::dist::all_reduce(is_main() && value ? 1.0 : 0.0, nabla::dist::ReduceOp::Max) > 0;
#endif
    return value;
  }

  // A data-parallel example failed on this process: the others, which may be waiting for it in
  // a collective, end with it.
  [[noreturn]] void abort() const {
#ifdef NABLA_WITH_MPI
    nabla::dist::abort(1);
#else
    std::exit(1);
#endif
  }

 private:
  int all_threads_ = nabla::get_num_threads();
#ifdef NABLA_WITH_MPI
  std::optional<nabla::dist::Environment> environment_;
#endif
  std::shared_ptr<nabla::train::DistributedStrategy> strategy_;
};

// A number above `low` (or at least `low` when `or_equal`). CLI11's own range checks print the
// whole range of a double; this says what is wrong: "must be a positive number, not -1".
CLI::Validator number_above(double low, bool or_equal, const std::string& wanted) {
  return CLI::Validator(
      [=](const std::string& text) {
        double value = 0;
        const bool ok = CLI::detail::lexical_cast(text, value) && (value > low || (or_equal && value == low));
        return ok ? std::string{} : "must be " + wanted + ", not " + text;
      },
      "NUMBER");
}
const CLI::Validator kPositive = number_above(0, false, "a positive number");
const CLI::Validator kNonNegative = number_above(0, true, "zero or more");

// Creates the output folder `dir` and makes sure a file can be written there, so that an
// unwritable folder is one error before any training rather than one per example.
void prepare_output_folder(const std::filesystem::path& dir, const char* command) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  NABLA_CHECK(!error, command, "cannot create the output folder '", dir.string(), "': ", error.message());
  const std::filesystem::path probe = dir / ".nabla-write-check";
  const bool writable = static_cast<bool>(std::ofstream(probe));
  std::filesystem::remove(probe, error);
  NABLA_CHECK(writable, command, "cannot write to the output folder '", dir.string(), "'");
}

// Prints each check, met or not; returns whether all were met.
bool print_checks(const std::vector<nabla::examples::Check>& checks, std::ostream& console) {
  bool all_met = true;
  for (const auto& check : checks) {
    console << (check.met ? "  [met]     " : "  [NOT MET] ") << check.criterion << " (" << check.value
            << ")\n";
    all_met = all_met && check.met;
  }
  return all_met;
}

// Runs one example into settings.out_dir and writes its results.json and config.json there, also
// when it fails (with the error, for the report); returns whether every check was met. In a
// data-parallel run every process runs it, and only rank 0 writes and prints (to `console`).
bool run_example(const Example& example, const Settings& settings, std::ostream& console) {
  const bool main = settings.is_main_process();
  if (main) std::filesystem::create_directories(settings.out_dir);
  console << "== " << example.name << " (seed " << example.seed << "): " << example.title << '\n';
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  nabla::examples::Outcome outcome;
  try {
    const FormatGuard format(std::cout);
    outcome = example.run(settings);
  } catch (const std::exception& error) {
    if (main) nabla::examples::write_results(example, settings, {}, elapsed(), error.what());
    throw;
  }
  const double seconds = elapsed();
  if (main) nabla::examples::write_results(example, settings, outcome, seconds);
  const bool all_met = print_checks(outcome.checks, console);
  console << "  " << seconds << " s; results in " << (settings.out_dir / "results.json").string() << "\n\n";
  return all_met;
}

}  // namespace

int main(int argc, char** argv) {
  // Piped into a file or another program, the progress lines still appear as they happen
  // rather than in blocks of a few kilobytes, minutes apart.
  if (isatty(STDOUT_FILENO) == 0) std::cout << std::unitbuf;
  CLI::App app{"nabla: the seed examples, trained and checked"};
  // One line, as every other error of the command.
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return "nabla: " + std::string(error.what()) + " (see nabla --help)\n";
  });
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
      ->check(kPositive);
  run->add_option("--batch-size", settings.batch_size, "batch size")->check(kPositive);
  run->add_option("--lr", settings.lr, "learning rate")->check(kPositive);
  run->add_option("--threads", threads, "threads (default: all cores)")->check(kNonNegative);
  run->add_flag("--full", settings.full, "the long runs, where the default is shortened");
  run->add_flag("--resume", settings.resume,
                "continue the trainings an interrupted run (Ctrl-C) checkpointed in --out");

  int status = 0;
  run->callback([&] {
    const Processes processes(threads);
    // Rank 0 alone prints: the other processes' examples log to a stream that drops everything.
    std::ostream dropped(nullptr);
    std::ostream& console = processes.is_main() ? std::cout : dropped;
    if (!processes.is_main()) settings.log = &dropped;
    settings.distributed = processes.strategy();
    const int group_threads = nabla::get_num_threads();
    if (processes.size() > 1)
      console << processes.size() << " processes, " << group_threads << " thread(s) each\n";
    std::vector<const Example*> chosen;
    for (const std::string& name : names) {
      if (name == "all")
        for (const Example& e : nabla::examples::all_examples()) chosen.push_back(&e);
      else
        chosen.push_back(&nabla::examples::find_example(name));
    }
    if (processes.is_main()) {
      try {
        prepare_output_folder(out, "nabla run");
      } catch (const std::exception& error) {
        if (processes.size() == 1) throw;
        std::cerr << "nabla: " << error.what() << "; ending every process\n";
        processes.abort();
      }
    }
    int failed = 0, unmet = 0;
    // Ctrl-C stops the training at the next batch; the examples checkpoint every epoch.
    const nabla::train::InterruptHandler ctrl_c;
    for (const Example* e : chosen) {
      Settings own = settings;
      own.out_dir = std::filesystem::path(out) / e->name;
      // Under --resume, the examples that finished before the interruption keep their results.
      std::optional<std::vector<nabla::examples::Check>> finished;
      if (settings.resume && processes.is_main()) finished = nabla::examples::finished_checks(*e, own);
      if (processes.from_rank0(finished.has_value())) {
        console << "== " << e->name << ": finished before, with the same settings; kept its results\n";
        if (finished && !print_checks(*finished, console)) ++unmet;
        console << '\n';
        continue;
      }
      // An example with its own training loop runs on rank 0 alone, with every core.
      const bool alone = processes.size() > 1 && !e->data_parallel;
      if (alone && !processes.is_main()) {
        if (processes.wait_for_rank0(false)) return;
        continue;
      }
      if (alone) {
        console << "(" << e->name << " has its own training loop: rank 0 runs it alone while the other "
                << processes.size() - 1 << " process(es) wait)\n";
        own.distributed = nullptr;
        nabla::set_num_threads(processes.solo_threads(threads));
      }
      bool interrupted = false;
      try {
        if (!run_example(*e, own, console)) ++unmet;
      } catch (const nabla::train::Interrupted& stop) {
        std::string again;
        for (const std::string& name : names) again += name + " ";
        console << "  " << stop.what() << "\n\nstopped; to continue: nabla run " << again << "--resume --out "
                << out << " (with the same options)\n";
        status = 130;  // what a shell reports for a process that SIGINT ended
        interrupted = true;
      } catch (const std::exception& error) {
        if (processes.size() > 1 && !alone) {
          std::cerr << "nabla: " << e->name << " failed on rank " << settings.distributed->rank() << ": "
                    << error.what() << "; ending every process\n";
          processes.abort();
        }
        console << "  failed: " << error.what() << "\n\n";
        ++failed;
      }
      if (alone) {
        nabla::set_num_threads(group_threads);
        processes.wait_for_rank0(interrupted);
      }
      if (interrupted) return;
    }
    console << chosen.size() << " example(s): " << chosen.size() - failed - unmet << " met every check, "
            << unmet << " missed one, " << failed << " failed\n";
    status = failed > 0 ? 1 : 0;
  });

  CLI::App* tune = app.add_subcommand("tune", "search an example's hyper-parameters, ranked by its validation loss");
  std::string tune_name, grid;
  std::optional<int64_t> trials;
  tune->add_option("name", tune_name, "the example (one that reports a validation objective)")->required();
  tune->add_option("--grid", grid, "values to try: 'lr=1e-3,3e-3;hidden=32,64'")->required();
  tune->add_option("--trials", trials, "random search: this many combinations (default: all of them)")
      ->check(kPositive);
  tune->add_option("--out", out, "output folder: the trials go to OUT/<name>/tune/")->capture_default_str();
  tune->add_option("--data-dir", settings.data_dir, "the data sets from scripts/fetch-data.sh (or $NABLA_DATA)");
  tune->add_option("--seed", settings.seed, "random seed (of every trial and of the random search)")
      ->capture_default_str();
  tune->add_option("--epochs", settings.epochs, "epochs of every trial (the grid may vary them)")
      ->check(kPositive);
  tune->callback([&] {
    const Example& example = nabla::examples::find_example(tune_name);
    const auto plan = nabla::examples::search_trials(nabla::examples::parse_grid(grid), trials, settings.seed);
    Settings base = settings;
    base.out_dir = std::filesystem::path(out) / example.name / "tune";
    prepare_output_folder(base.out_dir, "nabla tune");
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

  // CLI11 would only say that a subcommand is required when one is misspelt.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string commands;
    for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || command->get_name() == argv[1];
      commands += (commands.empty() ? "" : ", ") + command->get_name();
    }
    if (!known) {
      std::cerr << "nabla: no command '" << argv[1] << "' (there are: " << commands
                << "; see nabla --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // The command's own errors already start with "nabla run: " and the like.
    const std::string what = e.what();
    std::cerr << (what.starts_with("nabla ") ? "" : "nabla: ") << what << '\n';
    return 1;
  }
  return status;
}
