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
#include <string>

#include "examples/example.h"

namespace nabla::examples {

void write_results(const Example& example, const Settings& settings, const Outcome& outcome, double seconds,
                   const std::string& error = "");

}  // namespace nabla::examples
