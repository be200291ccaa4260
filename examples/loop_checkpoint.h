#pragma once
// The checkpoint of an example's own training loop, as Settings::checkpointed is for a Trainer.
// save() writes out_dir/<name>.ckpt: the parts (model, optimizers, and the loop's history of
// losses as an extra part), the loader's epoch and the global random generator; under --resume,
// resume() loads it back, so the loop continues as if it had never stopped. check_interrupt()
// ends the loop on Ctrl-C with a message that says what was saved.
//
//   LoopCheckpoint checkpoint(settings, "vae",
//                             {.model = &vae, .optimizer = &adam, .extra = {{"history", &history}}}, loader);
//   for (int64_t epoch = checkpoint.resume(); epoch < epochs; ++epoch) {
//     for (const data::Example& batch : loader) {
//       checkpoint.check_interrupt();
//       ...
//     }
//     checkpoint.save(epoch + 1);
//   }
#include <cstdint>
#include <filesystem>
#include <string>

#include "examples/example.h"
#include "nabla/data/dataloader.h"
#include "nabla/io/checkpoint.h"

namespace nabla::examples {

class LoopCheckpoint {
 public:
  LoopCheckpoint(const Settings& settings, std::string name, io::Checkpoint parts, data::DataLoader& loader);

  // Under --resume with a checkpoint: loads it and returns the epochs it holds; else 0.
  int64_t resume();
  // Saves the checkpoint as holding `epochs` epochs; on the main process only.
  void save(int64_t epochs);
  // Throws train::Interrupted when Ctrl-C was pressed, naming the checkpoint --resume starts from.
  void check_interrupt() const;

 private:
  Settings settings_;  // a copy: a temporary may be passed
  std::string name_;
  io::Checkpoint parts_;
  data::DataLoader& loader_;
  std::filesystem::path path_;
  int64_t saved_ = 0;  // the epochs the newest checkpoint holds
};

}  // namespace nabla::examples
