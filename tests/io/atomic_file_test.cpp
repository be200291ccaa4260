#include "nabla/io/atomic_file.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/io/io_testing.h"

namespace nabla::io {
namespace {

using testing::expect_error;
using testing::read_bytes;
using testing::TempDir;

TEST(AtomicFile, WritesAndReplacesLeavingNoTemporaryFile) {
  TempDir dir;
  write_atomically(dir / "f", [](std::ostream& out) { out << "old contents"; });
  EXPECT_EQ(read_bytes(dir / "f"), "old contents");
  // More than the 64 KiB buffer in one write, then small writes, then another large one.
  const std::string big(200000, 'x');
  write_atomically(dir / "f", [&](std::ostream& out) { out << big << "a" << 'b' << big; });
  EXPECT_EQ(read_bytes(dir / "f"), big + "ab" + big);
  EXPECT_EQ(dir.count(), 1u);
}

TEST(AtomicFile, AFileInTheCurrentDirectory) {
  TempDir dir;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  write_atomically("relative.txt", [](std::ostream& out) { out << "here"; });
  std::filesystem::current_path(cwd);
  EXPECT_EQ(read_bytes(dir / "relative.txt"), "here");
}

TEST(AtomicFile, AWriterThatThrowsLeavesTheOldFile) {
  TempDir dir;
  write_atomically(dir / "f", [](std::ostream& out) { out << "old"; });
  EXPECT_THROW(write_atomically(dir / "f",
                                [](std::ostream& out) {
                                  out << std::string(100000, 'n');
                                  throw std::logic_error("writer gave up");
                                }),
               std::logic_error);
  EXPECT_EQ(read_bytes(dir / "f"), "old");
  EXPECT_EQ(dir.count(), 1u);
}

TEST(AtomicFile, AFailedWriteLeavesTheOldFile) {
  TempDir dir;
  write_atomically(dir / "f", [](std::ostream& out) { out << "old"; });
  {
    const testing::FileSizeLimit limit(4096);
    expect_error(
        [&] { write_atomically(dir / "f", [](std::ostream& out) { out << std::string(100000, 'n'); }); },
        {"write_atomically", (dir / "f").string(), "File too large", "unchanged"});
  }
  EXPECT_EQ(read_bytes(dir / "f"), "old");
  EXPECT_EQ(dir.count(), 1u);
}

TEST(AtomicFile, AStreamLeftFailedIsAnError) {
  TempDir dir;
  expect_error(
      [&] { write_atomically(dir / "f", [](std::ostream& out) { out.setstate(std::ios::failbit); }); },
      {"failed state"});
  EXPECT_EQ(dir.count(), 0u);
}

TEST(AtomicFile, ErrorsNameTheFileAndTheReason) {
  TempDir dir;
  const auto write = [](const std::filesystem::path& p) {
    write_atomically(p, [](std::ostream& out) { out << "x"; });
  };
  expect_error([&] { write(dir / "missing" / "f"); }, {(dir / "missing" / "f").string(), "No such file"});
  std::filesystem::create_directory(dir / "sub");
  expect_error([&] { write(dir / "sub"); }, {"rename failed", "Is a directory"});
  expect_error([&] { write(dir.path() / ""); }, {"does not name a file"});
  // The directory holds only "sub": no temporary file survived the failed rename.
  EXPECT_EQ(dir.count(), 1u);
}

// What another program (gnuplot) writes by name into the temporary file.
TEST(AtomicFile, AFileWrittenByNameReplacesTheTargetOnlyWhenMakeSucceeds) {
  TempDir dir;
  std::filesystem::path temp;
  write_atomically_via_file(dir / "f", [&](const std::filesystem::path& path) {
    temp = path;
    EXPECT_EQ(path.parent_path(), dir.path());  // beside the target, so rename stays on one file system
    EXPECT_TRUE(std::filesystem::exists(path));
    testing::write_bytes(path, "drawn");
  });
  EXPECT_EQ(read_bytes(dir / "f"), "drawn");
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_THROW(write_atomically_via_file(dir / "f",
                                         [](const std::filesystem::path& path) {
                                           testing::write_bytes(path, "half");
                                           throw std::logic_error("the drawing program failed");
                                         }),
               std::logic_error);
  EXPECT_EQ(read_bytes(dir / "f"), "drawn");
  EXPECT_EQ(dir.count(), 1u);
  expect_error([&] { write_atomically_via_file(dir / "missing" / "f", [](const std::filesystem::path&) {}); },
               {(dir / "missing" / "f").string(), "No such file"});
}

}  // namespace
}  // namespace nabla::io
