#include "src/data/gzip_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <utility>

#include "nabla/tensor/error.h"

namespace nabla::data::detail {

GzipFile::GzipFile(std::string path, const char* op) : path_(std::move(path)), op_(op) {
  std::error_code ec;
  NABLA_CHECK(!std::filesystem::is_directory(path_, ec), op_, "'", path_, "' is a directory");
  const auto size = std::filesystem::file_size(path_, ec);
  NABLA_CHECK(!ec, op_, "cannot open '", path_, "': ", ec.message());
  file_size_ = static_cast<int64_t>(size);
  gzFile f = gzopen(path_.c_str(), "rb");
  NABLA_CHECK(f != nullptr, op_, "cannot open '", path_, "': ", std::strerror(errno));
  file_ = f;
  // zlib decides at the first read whether the file is compressed.
  gzbuffer(f, 1 << 16);
  const int c = gzgetc(f);
  if (c != -1) gzungetc(c, f);
  compressed_ = gzdirect(f) == 0;
}

GzipFile::~GzipFile() { gzclose(static_cast<gzFile>(file_)); }

size_t GzipFile::read(void* buf, size_t n) {
  auto* f = static_cast<gzFile>(file_);
  size_t done = 0;
  while (done < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - done, std::numeric_limits<int>::max()));
    const int got = gzread(f, static_cast<char*>(buf) + done, chunk);
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(f, &code);
      nabla::detail::fail(op_, "'", path_, "': corrupt gzip data (", message, ")");
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

bool GzipFile::truncated() const {
  int code = 0;
  gzerror(static_cast<gzFile>(file_), &code);
  return code == Z_BUF_ERROR;
}

void GzipFile::read_exactly(void* buf, size_t n, const char* what) {
  const size_t got = read(buf, n);
  NABLA_CHECK(got == n, op_, "'", path_, "': the file ends within ", what, " (", got, " of ", n, " bytes)");
}

}  // namespace nabla::data::detail
