#pragma once
// `nabla report DIR`: every DIR/<example>/results.json (examples/results.h) gathered into one
// self-contained HTML page, DIR/report.html: a summary table, then for each example the seed
// it comes from, its checks (criterion, value, met or not), metrics, figures (embedded as
// data: URIs, so the page can be mailed or moved alone), settings, run time and the command
// that repeats it, and a note on runs that used shortened defaults rather than --full.
#include <filesystem>

namespace nabla::examples {

// Writes DIR/report.html atomically and returns its path. A results.json that cannot be read
// is reported on the page; a DIR without any throws nabla::Error.
std::filesystem::path write_report(const std::filesystem::path& dir);

}  // namespace nabla::examples
