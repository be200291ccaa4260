#pragma once
// Training checkpoints: everything a run needs to continue exactly as if it had never
// stopped, in one safetensors file.
//
//   io::save_checkpoint("run.ckpt", {.model = &net, .optimizer = &opt, .scheduler = &sched,
//                                    .epoch = epoch, .step = step});
//   ...
//   // A new process: build the model, optimizer and scheduler as before, then
//   io::Checkpoint ckpt{.model = &net, .optimizer = &opt, .scheduler = &sched};
//   io::load_checkpoint("run.ckpt", ckpt);  // ckpt.epoch, ckpt.step, ckpt.metadata are the saved ones
//
// The file holds the model's state_dict under "model.", the optimizer's under
// "optimizer.", the scheduler's under "scheduler." and each extra object's under
// "<name>."; its __metadata__ holds the counters, the state of the global random
// generator (nabla::default_generator(), so dropout masks and shuffles continue the same
// stream), the optimizer's type and the user's metadata:
//   "nabla.checkpoint": "1"  (the layout's version)    "nabla.epoch", "nabla.step"
//   "nabla.components": "model,optimizer,scheduler"      "nabla.rng_state"
//   "nabla.optimizer":  "Adam"                           user keys (not starting with "nabla.")
// It is written atomically: a failed save leaves the previous checkpoint intact.
//
// Loading is all or nothing: the file is checked completely, the components it holds must
// be exactly the ones given, and if any component refuses its state (different names,
// shapes, dtypes or param groups) the ones already loaded are restored, so the objects
// and the random generator are left as they were, and nabla::Error names the file and
// the component.
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nabla/io/safetensors.h"
#include "nabla/nn/module.h"
#include "nabla/optim/optimizer.h"

namespace nabla::io {

// A non-owning reference to anything with a state dict: an LRScheduler,
// ReduceLROnPlateau, EarlyStopping, or a class of one's own with
//   StateDict state_dict() const;  void load_state_dict(const StateDict&);
class Stateful {
 public:
  Stateful() = default;
  Stateful(std::nullptr_t) {}
  template <class T>
  requires requires(const T& c, T& t, const nn::StateDict& s) {
    { c.state_dict() } -> std::convertible_to<nn::StateDict>;
    t.load_state_dict(s);
  }
  Stateful(T* object) {
    if (object == nullptr) return;
    save_ = [object] { return nn::StateDict(object->state_dict()); };
    load_ = [object](const nn::StateDict& s) { object->load_state_dict(s); };
  }

  explicit operator bool() const { return static_cast<bool>(save_); }
  nn::StateDict state_dict() const { return save_(); }
  void load_state_dict(const nn::StateDict& state) const { load_(state); }

 private:
  std::function<nn::StateDict()> save_;
  std::function<void(const nn::StateDict&)> load_;
};

// What a checkpoint holds. Saving reads every field; loading fills the objects pointed
// to, then sets epoch, step and metadata to the saved values. Null components are not
// part of the checkpoint.
struct Checkpoint {
  nn::Module* model = nullptr;
  optim::Optimizer* optimizer = nullptr;
  Stateful scheduler{};
  // Further objects, each under its own name (no dots; not model, optimizer or
  // scheduler), e.g. {{"early_stopping", &stopper}}.
  std::vector<std::pair<std::string, Stateful>> extra{};
  int64_t epoch = 0;
  int64_t step = 0;
  Metadata metadata{};
};

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
void load_checkpoint(const std::filesystem::path& path, Checkpoint& checkpoint);

}  // namespace nabla::io
