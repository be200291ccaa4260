#pragma once
// Reading a file that may be gzip-compressed, through zlib, which passes other files through
// unchanged. Every failure throws nabla::Error naming the op and the file.
#include <cstddef>
#include <cstdint>
#include <string>

namespace nabla::data::detail {

class GzipFile {
 public:
  GzipFile(std::string path, const char* op);
  ~GzipFile();
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;

  // Reads up to n bytes into buf and returns how many it read: fewer only at the end of the
  // data, or where a gzip stream was cut short (see truncated()). Corrupt data throws.
  size_t read(void* buf, size_t n);
  // Whether a read found the gzip stream cut short: zlib then gives what it could decompress.
  bool truncated() const;
  // Reads exactly n bytes, or throws saying that the file ends within `what`.
  void read_exactly(void* buf, size_t n, const char* what);
  // Whether the file is gzip-compressed (rather than read as it is).
  bool compressed() const { return compressed_; }
  // The size of the file on disk, compressed or not.
  int64_t file_size() const { return file_size_; }

 private:
  std::string path_;
  const char* op_;
  void* file_ = nullptr;  // gzFile
  bool compressed_ = false;
  int64_t file_size_ = 0;
};

}  // namespace nabla::data::detail
