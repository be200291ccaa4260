#pragma once
// The files `nabla run` writes into each example's folder (Settings::out_dir), which
// `nabla report` reads back:
//   results.json  what the run found: "example", "seed", "title", "settings" (as given; an
//                 absent epochs, batch_size or lr means the example's default), "seconds",
//                 "finished" (UTC, ISO 8601), "shortened", "metrics" {name: value}, "checks"
//                 [{"criterion", "value", "met"}], "figures" [{"file", "caption"}], and
//                 "error" (the message) when the run threw instead of finishing
//   config.json   how to repeat it: "example", "command" (the `nabla run` line), "settings",
//                 "threads", and "resolved": the values the run used (Outcome::config)
// Both are written atomically.
#include <optional>
#include <string>
#include <vector>

#include "examples/example.h"

namespace nabla::examples {

void write_results(const Example& example, const Settings& settings, const Outcome& outcome, double seconds,
                   const std::string& error = "");

// The checks of an earlier run of `example` into settings.out_dir that finished with the same
// settings, which `nabla run --resume` keeps rather than running it again; nullopt when there
// is none (no results.json, another example's or settings, an error, or a file unreadable).
std::optional<std::vector<Check>> finished_checks(const Example& example, const Settings& settings);

}  // namespace nabla::examples
