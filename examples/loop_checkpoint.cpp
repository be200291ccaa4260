#include "examples/loop_checkpoint.h"

#include <string>
#include <utility>

#include "nabla/tensor/error.h"
#include "nabla/train/interrupt.h"

namespace nabla::examples {

LoopCheckpoint::LoopCheckpoint(const Settings& settings, std::string name, io::Checkpoint parts,
                               data::DataLoader& loader)
    : settings_(settings),
      name_(std::move(name)),
      parts_(std::move(parts)),
      loader_(loader),
      path_(settings.out_dir / (name_ + ".ckpt")) {}

int64_t LoopCheckpoint::resume() {
  if (!settings_.resume || !std::filesystem::exists(path_)) return 0;
  io::Checkpoint parts = parts_;
  io::load_checkpoint(path_, parts);
  const auto loader_epoch = parts.metadata.find("loader.epoch");
  NABLA_CHECK(loader_epoch != parts.metadata.end(), name_.c_str(), path_.string(),
              " is not the checkpoint of a training loop (it has no loader.epoch)");
  loader_.set_epoch(std::stoll(loader_epoch->second));
  saved_ = parts.epoch;
  log_of(settings_) << "  " << name_ << ": resumed after epoch " << saved_ << " from " << path_.string()
                    << '\n';
  return saved_;
}

void LoopCheckpoint::save(int64_t epochs) {
  if (!settings_.is_main_process()) return;
  io::Checkpoint parts = parts_;
  parts.epoch = epochs;
  parts.metadata["loader.epoch"] = std::to_string(loader_.epoch());
  io::save_checkpoint(path_, parts);
  saved_ = epochs;
}

void LoopCheckpoint::check_interrupt() const {
  if (saved_ == 0) {
    train::check_interrupt(name_, "; nothing was saved yet, so --resume starts it again");
  } else {
    train::check_interrupt(name_, "; " + path_.string() + " holds " + std::to_string(saved_) +
                                      " epoch(s), and --resume continues from there");
  }
}

}  // namespace nabla::examples
