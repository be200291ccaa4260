#pragma once
// The checkpoint of an example's own training loop, as Settings::checkpointed is for a Trainer.
// save() writes out_dir/<name>.ckpt: the parts (model, optimizers), the loader's epoch, the
// curves the loop has drawn so far and the global random generator; under --resume, resume()
// loads it back, so the loop continues as if it had never stopped. check_interrupt() ends the
// loop on Ctrl-C with a message that says what was saved.
//
//   LoopCheckpoint checkpoint(settings, "vae", {.model = &vae, .optimizer = &adam}, loader);
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
#include <utility>
#include <vector>

#include "examples/example.h"
#include "nabla/data/dataloader.h"
#include "nabla/io/checkpoint.h"

namespace nabla::examples {

class LoopCheckpoint {
 public:
  // Named series the loop appends to (a GAN's losses per step), saved and restored with the rest.
  using Curves = std::vector<std::pair<std::string, std::vector<double>*>>;

  LoopCheckpoint(const Settings& settings, std::string name, io::Checkpoint parts, data::DataLoader& loader,
                 Curves curves = {});

  // Under --resume with a checkpoint: loads it and returns the epochs it holds; else 0.
  int64_t resume();
  // Saves the checkpoint as holding `epochs` epochs; on the main process only.
  void save(int64_t epochs);
  // Throws train::Interrupted when Ctrl-C was pressed, naming the checkpoint --resume starts from.
  void check_interrupt() const;

 private:
  // The curves as one float64 tensor each, for io::Checkpoint's extra parts.
  struct CurveState {
    Curves curves;
    nn::StateDict state_dict() const;
    void load_state_dict(const nn::StateDict& state);
  };

  io::Checkpoint with_curves();

  const Settings& settings_;
  std::string name_;
  io::Checkpoint parts_;
  data::DataLoader& loader_;
  CurveState curves_;
  std::filesystem::path path_;
  int64_t saved_ = 0;  // the epochs the newest checkpoint holds
};

}  // namespace nabla::examples
