#pragma once
// Running gnuplot on a script, as a child process.
#include <filesystem>
#include <string>

namespace nabla::plot::detail {

// Runs `gnuplot` (found on PATH) on `script` with its standard input closed, and waits for it.
// Throws nabla::Error naming `figure` (the file being drawn) when gnuplot is not installed (with the apt-get
// command that installs it), cannot be started, or does not exit with status 0 (with what it printed on
// standard error). The script goes through a private temporary directory, always removed.
void run_gnuplot(const std::string& script, const std::filesystem::path& figure);

}  // namespace nabla::plot::detail
