#pragma once
// The seed examples that `nabla run` reproduces. Each examples/*.cpp defines one example and
// registers it with a static Registration; the `nabla` command (apps/nabla.cpp) lists and
// runs them, and writes each one's metrics, checks, figures and configuration to its output
// folder (examples/results.h), which `nabla report` gathers into one page.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nabla/nn/module.h"
#include "nabla/plot/figure.h"
#include "nabla/train/trainer.h"

namespace nabla::examples {

// What the command line sets; an unset value means the example's own default.
struct Settings {
  std::filesystem::path out_dir{};   // this example's folder for figures and results
  std::filesystem::path data_dir{};  // where scripts/fetch-data.sh put the real data sets
  uint64_t seed = 0;
  std::optional<int64_t> epochs{};
  std::optional<int64_t> batch_size{};
  std::optional<double> lr{};
  bool full = false;  // the long version of the run, where the default is shortened
  // Continue the trainings that an interrupted run left checkpoints of (see checkpoint()).
  bool resume = false;
  std::ostream* log = nullptr;  // progress and results; standard output when null
  // The example's own hyper-parameters (Example::hyperparameters), e.g. {"hidden", 128}.
  std::map<std::string, double> params{};
  // The processes of a data-parallel run (`mpirun -np N nabla run ...`); null in a run of one
  // process. checkpointed() hands it to the Trainer.
  std::shared_ptr<train::DistributedStrategy> distributed{};

  // Whether this process writes the files and shows the progress: rank 0, or the only one.
  bool is_main_process() const { return distributed == nullptr || distributed->rank() == 0; }

  // params[name] when set, else the example's default.
  double param(const std::string& name, double fallback) const;
  // data_dir / file, one of the real data sets scripts/fetch-data.sh extracts; throws
  // nabla::Error naming `example` and the Debian package the file comes from when it is missing.
  std::filesystem::path data_file(const std::string& example, const std::string& file) const;
  // The Trainer options that checkpoint the training called `name` after every epoch into
  // out_dir and, under --resume, continue it from there:
  //   train::TrainerOptions options = settings.checkpointed("lstm");
  //   options.epochs = ...;
  // Under `distributed`, the training is data-parallel (see TrainerOptions::distributed).
  train::TrainerOptions checkpointed(const std::string& name) const;
};

// A success criterion of the example (from ../shared/examples-spec.md or the issue) and
// whether the run met it.
struct Check {
  std::string criterion;
  double value = 0;
  bool met = false;
};

// A figure or image file the run wrote into its out_dir, shown in the report with its caption.
struct FigureFile {
  std::string file;  // a name in out_dir: "training.png"
  std::string caption;
};

// What one training recorded, a value per epoch, iteration or step. A history with a "loss"
// is drawn as loss_curves draws it (with "val_loss" if there is one, so a Trainer's history
// fits as it is); any other, every series by its name: a GAN's {"discriminator", "generator"}.
struct TrainingCurves {
  std::string title;         // the model or phase: "VAE", "LSTM, one-step"
  std::string unit;          // what a point is: "epoch", "iteration", "step"
  train::History history{};  // each series by name
};

struct Outcome {
  std::vector<std::pair<std::string, double>> metrics{};
  std::vector<Check> checks{};
  // Per-epoch series, e.g. {"val_loss", {...}}: drawn by `nabla tune` for each trial.
  std::map<std::string, std::vector<double>> curves{};
  std::vector<FigureFile> figures{};
  // The trainings' curves: every run of an example draws them, one panel each, into one more
  // figure, training_curves.png (see Registration). Examples that draw their losses in their
  // own figures leave it empty.
  std::vector<TrainingCurves> training{};
  // The settings the run used, its defaults resolved ("epochs", "lr", "batch_size", ...), for
  // config.json.
  std::vector<std::pair<std::string, double>> config{};
  // The run used shortened defaults: settings.full was off and the example has a longer
  // version. The report says so.
  bool shortened = false;
};

struct Example {
  std::string name;   // as typed on the command line: "house-prices"
  std::string seed;   // the seed it comes from: "003 (Robert, Deep Learning)"
  std::string title;  // one line for `nabla list`
  std::function<Outcome(const Settings&)> run;
  // What `nabla tune` may vary besides lr, batch_size and epochs (read with Settings::param),
  // and the metric it minimises; an example without an objective cannot be tuned.
  std::vector<std::string> hyperparameters{};
  std::string objective{};
  // It trains only through train::Trainer with Settings::checkpointed's options (batch sizes
  // even), so that under mpirun every process runs it, data-parallel. The others, with their
  // own training loops, run on rank 0 alone while the other processes wait.
  bool data_parallel = false;
};

// Every registered example, sorted by name.
const std::vector<Example>& all_examples();
// The example called `name`; throws nabla::Error listing the names there are.
const Example& find_example(const std::string& name);

// Adds `example` to all_examples(), its run extended to draw Outcome::training.
struct Registration {
  explicit Registration(Example example);
};

// The stream examples write their progress to.
std::ostream& log_of(const Settings& settings);

// The files the examples write come from rank 0 alone in a data-parallel run: save_figure and
// save_model write nothing on the other processes.

// Draws `figure` into settings.out_dir / file (plot::save) and returns the entry for
// Outcome::figures:
//   outcome.figures.push_back(save_figure(settings, "fit.png", "the fit and the data", figure));
FigureFile save_figure(const Settings& settings, const std::string& file, const std::string& caption,
                       const plot::Figure& figure);

// Writes the trained model's state dict to settings.out_dir / (name + ".safetensors"), with
// PyTorch's parameter names, so torch's safetensors.torch.load_file reads it into the same
// architecture.
void save_model(const Settings& settings, const std::string& name, const nn::Module& model);
// Trained parts in one file, each state under its prefix (none when empty): what PyTorch's
// state_dict() gives for a module holding them as attributes of those names.
//   save_model(settings, "gru", {{"rnn", gru.state_dict()}, {"readout", readout.state_dict()}});
void save_model(const Settings& settings, const std::string& name,
                const std::vector<std::pair<std::string, nn::StateDict>>& parts);

}  // namespace nabla::examples
