// The `nabla` command on bad input: a one-line error that says what is wrong and a non-zero
// exit status, never a stack trace or a training run on nonsense.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/temp_dir.h"

namespace {

struct CommandResult {
  int status = -1;     // the exit status, or -1 when a signal ended the command
  std::string output;  // standard output and standard error together
};

CommandResult nabla(const std::string& arguments) {
  // Appended piece by piece: GCC 12 warns (falsely, -Warray-bounds) about NABLA_CLI + " " + ...
  std::string command = NABLA_CLI;
  command.append(" ").append(arguments).append(" 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  CommandResult result;
  std::array<char, 4096> buffer{};
  for (size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Fails unless `arguments` end the command with a non-zero status and one line that holds every
// one of `parts` (and not the tell-tale of CLI11's range check: the whole range of a double).
void expect_one_line_error(const std::string& arguments, const std::vector<std::string>& parts) {
  const CommandResult result = nabla(arguments);
  EXPECT_GT(result.status, 0) << arguments << ": " << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1)
      << arguments << ": not one line:\n"
      << result.output;
  for (const std::string& part : parts)
    EXPECT_NE(result.output.find(part), std::string::npos) << arguments << ": " << result.output;
  EXPECT_EQ(result.output.find("1797693"), std::string::npos) << result.output;
}

TEST(NablaCommand, ListsEveryExampleAndExitsWithZero) {
  const CommandResult result = nabla("list");
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("house-prices"), std::string::npos);
  EXPECT_NE(result.output.find("fashion-cnn"), std::string::npos);
}

TEST(NablaCommand, UnknownExamplesAndSubcommandsAreOneLineErrors) {
  expect_one_line_error("run no-such-example", {"no example called 'no-such-example'", "house-prices"});
  expect_one_line_error("tune no-such-example --grid lr=1", {"'no-such-example'"});
  expect_one_line_error("frobnicate", {"no command 'frobnicate'", "run"});
}

TEST(NablaCommand, ValuesOutOfRangeSayWhatIsWrong) {
  expect_one_line_error("run house-prices --lr -1", {"--lr", "must be a positive number, not -1"});
  expect_one_line_error("run house-prices --lr abc", {"--lr", "abc"});
  expect_one_line_error("run house-prices --batch-size 0",
                        {"--batch-size", "must be a positive number, not 0"});
  expect_one_line_error("run house-prices --epochs 1.5", {"--epochs", "1.5"});
  expect_one_line_error("run house-prices --threads -2", {"--threads", "must be zero or more, not -2"});
  expect_one_line_error("tune boston-housing --grid 'lr=abc'", {"'abc' is not a number"});
  expect_one_line_error("tune boston-housing --grid 'depth=3'", {"no hyper-parameter 'depth'", "hidden"});
}

TEST(NablaCommand, AnOutputFolderThatCannotBeMadeIsOneErrorBeforeAnyTraining) {
  const nabla::testing::TempDir dir;
  const std::string file = dir.write("taken", "a file where the folder would go");
  expect_one_line_error("run all --out " + file, {"nabla run", "cannot create the output folder", file});
  expect_one_line_error("tune boston-housing --grid lr=1e-3 --out " + file, {"nabla tune", file});
  expect_one_line_error("report " + (dir / "missing").string(), {"nabla run all --out"});
}

TEST(NablaCommand, AMissingDataSetNamesTheDebianPackageThatHasIt) {
  const nabla::testing::TempDir empty;
  const CommandResult result =
      nabla("run sunspots --data-dir " + empty.path().string() + " --out " + (empty / "out").string());
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_NE(result.output.find("sunspots.csv is missing"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("apt-get install python3-statsmodels"), std::string::npos) << result.output;
}

}  // namespace
