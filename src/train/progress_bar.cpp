#include "nabla/train/progress_bar.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "nabla/train/trainer.h"

namespace nabla::train {
namespace {

bool is_terminal(const std::ostream& out) {
  if (&out == &std::cout) return isatty(STDOUT_FILENO) != 0;
  if (&out == &std::cerr || &out == &std::clog) return isatty(STDERR_FILENO) != 0;
  return false;
}

// "0:07", "12:34", "1:02:03".
std::string clock_time(double seconds) {
  const auto s = static_cast<long>(std::lround(std::max(0.0, seconds)));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// 4 significant digits, as Keras prints losses.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// An integer with thousands separators: 12,345.
std::string grouped(double v) {
  const std::string digits = std::to_string(std::llround(std::isfinite(v) ? v : 0.0));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

ProgressBar::ProgressBar(ProgressBarOptions options)
    : out_(options.stream != nullptr ? *options.stream : std::cout),
      live_(options.live.value_or(is_terminal(out_))),
      width_(std::max(options.width, 1)) {}

void ProgressBar::on_train_begin(Trainer& trainer) { start(trainer.epoch() + trainer.options().epochs); }

void ProgressBar::on_batch_end(Trainer&, const BatchLogs& logs) { show_batch(logs); }

void ProgressBar::on_epoch_end(Trainer&, int64_t epoch, Logs& logs) { show_epoch(epoch, logs); }

void ProgressBar::start(int64_t last_epoch) { last_epoch_ = last_epoch; }

void ProgressBar::show_batch(const BatchLogs& logs) {
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = logs.batch + 1 == logs.batches;
  // Redrawing more often than ~10 times a second only costs time.
  if (!last && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double done = static_cast<double>(logs.batch + 1) / static_cast<double>(logs.batches);
  const int filled = static_cast<int>(done * width_);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < width_) bar += '>' + std::string(static_cast<size_t>(width_ - filled - 1), ' ');
  std::ostringstream line;
  line << "\rEpoch " << logs.epoch + 1 << '/' << last_epoch_ << " [" << bar << "] " << logs.batch + 1 << '/'
       << logs.batches << "  loss " << number(logs.mean_loss);
  for (const auto& [name, value] : logs.mean_metrics) line << "  " << name << ' ' << number(value);
  line << "  " << grouped(static_cast<double>(logs.samples) / logs.seconds) << " samples/s  ETA "
       << clock_time(logs.seconds * (1 - done) / done) << "\x1b[K";  // erase the rest of the line
  out_ << line.str() << std::flush;
}

void ProgressBar::show_epoch(int64_t epoch, const Logs& logs) {
  const auto value = [&](const std::string& name) {
    const auto it = logs.find(name);
    return it == logs.end() ? 0.0 : it->second;
  };
  std::ostringstream line;
  if (live_) line << "\r\x1b[K";
  line << "Epoch " << epoch + 1 << '/' << last_epoch_ << "  " << clock_time(value("seconds"));
  for (const auto& [name, value] : logs)
    if (name != "seconds" && name != "samples_per_second") line << "  " << name << ' ' << number(value);
  line << "  " << grouped(value("samples_per_second")) << " samples/s\n";
  out_ << line.str() << std::flush;
}

}  // namespace nabla::train
