#pragma once
// Writing a file so that a reader (or a crash) sees either the old contents or the new
// ones, never a mixture or a torn file:
//
//   io::write_atomically("model.safetensors", [&](std::ostream& out) { out.write(...); });
//
// The writer fills a temporary file created next to the target (same directory, so the
// same file system), which is then flushed to disk (fsync), renamed over the target, and
// the directory entry made durable (fsync of the directory). If the writer throws, or
// any write, fsync or rename fails, the temporary file is removed, the target keeps its
// old contents (or stays absent), and the error propagates: the writer's own exception
// as is, an I/O failure as nabla::Error naming the file and the system's reason. A symbolic
// link at `path` is replaced by the new file, not followed.
//
// A file that another program writes by name (gnuplot's PNG output) gets the same guarantee:
//
//   io::write_atomically_via_file("fig.png", [&](const std::filesystem::path& temp) { render_to(temp); });
//
// `make` receives the (already created, empty) temporary file's path and must leave the
// contents there; it reports failure by throwing.
#include <filesystem>
#include <functional>
#include <ostream>

namespace nabla::io {

void write_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
void write_atomically_via_file(const std::filesystem::path& path,
                               const std::function<void(const std::filesystem::path& temp)>& make);

}  // namespace nabla::io
