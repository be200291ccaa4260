#include "nabla/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <streambuf>
#include <string>
#include <vector>

#include "nabla/tensor/error.h"

namespace nabla::io {
namespace {

constexpr const char* kOp = "write_atomically";

// A buffered stream buffer over a file descriptor that remembers the first write error
// (std::ofstream would hide both the descriptor, which fsync needs, and errno).
class FdBuffer final : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd), buffer_(1 << 16) { reset(); }
  // errno of the first failed write, 0 if none failed.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  // Large blocks (tensor data) go straight to the file, without a copy into the buffer.
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(buffer_.size())) return std::streambuf::xsputn(s, n);
    return flush() && write_all(s, static_cast<size_t>(n)) ? n : 0;
  }
  int sync() override { return flush() ? 0 : -1; }

 private:
  void reset() { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  bool flush() {
    const bool ok = write_all(pbase(), static_cast<size_t>(pptr() - pbase()));
    reset();
    return ok;
  }
  bool write_all(const char* p, size_t n) {
    while (n > 0 && error_ == 0) {
      const ssize_t written = ::write(fd_, p, n);
      if (written <= 0) {
        // A write of a regular file that makes no progress and reports nothing would loop forever.
        if (written == 0)
          error_ = EIO;
        else if (errno != EINTR)
          error_ = errno;
        continue;
      }
      p += written;
      n -= static_cast<size_t>(written);
    }
    return error_ == 0;
  }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

[[noreturn]] void fail_errno(const std::filesystem::path& target, const char* what, int err) {
  detail::fail(kOp, "cannot write '", target.string(), "': ", what, ": ", std::strerror(err),
               "; the file is unchanged");
}

// The temporary file: created exclusively under a name no other writer uses, closed and
// removed on destruction unless it was renamed into place.
class TempFile {
 public:
  TempFile(const std::filesystem::path& dir, const std::filesystem::path& target) {
    static std::atomic<unsigned> counter{0};
    // ".<name>.tmp.<pid>.", then a counter (appended, not concatenated: GCC 12 warns falsely
    // about operator+ chains on strings).
    std::string prefix = ".";
    prefix.append(target.filename().string()).append(".tmp.").append(std::to_string(::getpid())).append(".");
    for (int attempt = 0;; ++attempt) {
      path_ = dir / (prefix + std::to_string(counter++));
      // 0666 so the file gets the permissions the umask gives any new file.
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ >= 0) return;
      // A stale temporary file left by a crashed process that had our pid: try the next name.
      if (errno != EEXIST || attempt == 100) fail_errno(target, "cannot create a temporary file", errno);
    }
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  // Closes the descriptor; returns the errno of a failed close, else 0.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  void mark_renamed() { renamed_ = true; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool renamed_ = false;
};

// Makes the rename durable. File systems that cannot sync a directory say EINVAL; there
// is nothing more to do on those.
void sync_directory(const std::filesystem::path& dir, const std::filesystem::path& target) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  NABLA_CHECK(fd >= 0, kOp, "wrote '", target.string(),
              "' but cannot open its directory to sync it: ", std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  NABLA_CHECK(rc == 0 || err == EINVAL, kOp, "wrote '", target.string(),
              "' but cannot sync its directory: ", std::strerror(err));
}

// The directory the temporary file goes in: the target's, so that rename stays on one file system.
std::filesystem::path directory_of(const std::filesystem::path& path) {
  NABLA_CHECK(path.has_filename(), kOp, "'", path.string(), "' does not name a file");
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// Makes the filled temporary file durable and renames it over the target.
void commit(TempFile& temp, const std::filesystem::path& dir, const std::filesystem::path& path) {
  if (::fsync(temp.fd()) != 0) fail_errno(path, "fsync failed", errno);
  if (const int err = temp.close()) fail_errno(path, "close failed", err);
  if (::rename(temp.path().c_str(), path.c_str()) != 0) fail_errno(path, "rename failed", errno);
  temp.mark_renamed();
  sync_directory(dir, path);
}

}  // namespace

void write_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer) {
  const std::filesystem::path dir = directory_of(path);
  TempFile temp(dir, path);
  {
    FdBuffer buffer(temp.fd());
    std::ostream out(&buffer);
    writer(out);
    out.flush();
    if (buffer.error() != 0) fail_errno(path, "write failed", buffer.error());
    NABLA_CHECK(!out.fail(), kOp, "cannot write '", path.string(),
                "': the writer left the stream in a failed state; the file is unchanged");
  }
  commit(temp, dir, path);
}

// fsync through our descriptor flushes what the other writer put in the same file.
void write_atomically_via_file(const std::filesystem::path& path,
                               const std::function<void(const std::filesystem::path& temp)>& make) {
  const std::filesystem::path dir = directory_of(path);
  TempFile temp(dir, path);
  make(temp.path());
  commit(temp, dir, path);
}

}  // namespace nabla::io
