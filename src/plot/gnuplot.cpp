#include "src/plot/gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "nabla/tensor/error.h"

namespace nabla::plot::detail {
namespace {

constexpr const char* kOp = "plot::save";
// The end of gnuplot's complaint is the part that names the error; a runaway script's
// output is cut to this.
constexpr size_t kMaxMessage = 2000;

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nabla_gnuplot_XXXXXX").string();
    NABLA_CHECK(::mkdtemp(pattern.data()) != nullptr, kOp, "cannot create a temporary directory ", pattern, ": ",
                std::strerror(errno));
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path operator/(const char* name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

class SpawnActions {
 public:
  SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;

  void open(int fd, const char* path, int flags) {
    NABLA_CHECK(::posix_spawn_file_actions_addopen(&actions_, fd, path, flags, 0600) == 0, kOp,
                "cannot prepare gnuplot's file descriptors");
  }
  const posix_spawn_file_actions_t* get() const { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.size() <= kMaxMessage ? text : "..." + text.substr(text.size() - kMaxMessage);
}

}  // namespace

void run_gnuplot(const std::string& script, const std::filesystem::path& figure) {
  const ScratchDir scratch;
  const std::filesystem::path script_path = scratch / "figure.gp", errors_path = scratch / "stderr.txt";
  {
    std::ofstream out(script_path, std::ios::binary);
    out << script;
    out.close();
    NABLA_CHECK(!out.fail(), kOp, "cannot write gnuplot's script ", script_path.string(), " for '", figure.string(),
                "'");
  }
  SpawnActions actions;
  actions.open(STDIN_FILENO, "/dev/null", O_RDONLY);
  actions.open(STDOUT_FILENO, "/dev/null", O_WRONLY);
  actions.open(STDERR_FILENO, errors_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
  std::string program = "gnuplot", argument = script_path.string();
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "gnuplot", actions.get(), nullptr, argv, environ);
  NABLA_CHECK(spawned != ENOENT, kOp, "cannot draw '", figure.string(),
              "': gnuplot is not installed (or not on PATH); install it with: apt-get install gnuplot-nox");
  NABLA_CHECK(spawned == 0, kOp, "cannot draw '", figure.string(), "': cannot start gnuplot: ", std::strerror(spawned));

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    NABLA_CHECK(errno == EINTR, kOp, "cannot draw '", figure.string(),
                "': waiting for gnuplot failed: ", std::strerror(errno));
  NABLA_CHECK(!WIFSIGNALED(status), kOp, "cannot draw '", figure.string(), "': gnuplot was killed by signal ",
              WTERMSIG(status), ": ", read_text(errors_path));
  NABLA_CHECK(WEXITSTATUS(status) == 0, kOp, "cannot draw '", figure.string(), "': gnuplot failed (exit status ",
              WEXITSTATUS(status), "): ", read_text(errors_path));
}

}  // namespace nabla::plot::detail
