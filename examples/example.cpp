#include "examples/example.h"

#include <algorithm>
#include <iostream>

#include "nabla/io/safetensors.h"
#include "nabla/plot/charts.h"
#include "nabla/tensor/error.h"

namespace nabla::examples {
namespace {

// A function-local static, so registrations from other files' static initialisers never
// see it unconstructed.
std::vector<Example>& registry() {
  static std::vector<Example> examples;
  return examples;
}

}  // namespace

Registration::Registration(Example example) {
  // Here rather than in each example or in the command, so every runner (nabla run, the tests)
  // gets the figure.
  example.run = [run = std::move(example.run)](const Settings& settings) {
    Outcome outcome = run(settings);
    if (outcome.training.empty()) return outcome;
    plot::Figure figure{.columns = std::min<int64_t>(3, static_cast<int64_t>(outcome.training.size()))};
    for (const TrainingCurves& curves : outcome.training) {
      plot::Axes axes = curves.history.contains("loss")
                            ? plot::loss_curves(curves.history, curves.title)
                            : plot::history_curves(curves.history, curves.title, curves.unit);
      axes.xlabel = curves.unit;
      figure.axes.push_back(std::move(axes));
    }
    const auto rows = (static_cast<int64_t>(figure.axes.size()) + figure.columns - 1) / figure.columns;
    figure.width = 5.0 * static_cast<double>(figure.columns);
    figure.height = 3.5 * static_cast<double>(rows);
    outcome.figures.push_back(save_figure(settings, "training_curves.png",
                                          "the training curves: loss per epoch, iteration or step", figure));
    return outcome;
  };
  auto& all = registry();
  all.push_back(std::move(example));
  std::sort(all.begin(), all.end(), [](const Example& a, const Example& b) { return a.name < b.name; });
}

const std::vector<Example>& all_examples() { return registry(); }

const Example& find_example(const std::string& name) {
  for (const Example& e : registry())
    if (e.name == name) return e;
  std::string names;
  for (const Example& e : registry()) names += (names.empty() ? "" : ", ") + e.name;
  detail::fail("nabla run", "no example called '", name, "' (there are: ", names, ")");
}

double Settings::param(const std::string& name, double fallback) const {
  const auto it = params.find(name);
  return it == params.end() ? fallback : it->second;
}

std::filesystem::path Settings::data_file(const std::string& example, const std::string& file) const {
  // The Debian package of each file, in the folder it installs the file to.
  static const std::map<std::string, std::pair<std::string, std::string>> sources{
      {"boston_house_prices.csv", {"python3-sklearn", "sklearn/datasets/data"}},
      {"digits.csv.gz", {"python3-sklearn", "sklearn/datasets/data"}},
      {"sunspots.csv", {"python3-statsmodels", "statsmodels/datasets/sunspots"}},
  };
  const std::filesystem::path path = data_dir / file;
  if (std::filesystem::exists(path)) return path;
  const auto source = sources.find(file);
  NABLA_CHECK(source != sources.end(), example.c_str(), path.string(), " is missing");
  const auto& [package, folder] = source->second;
  detail::fail(example.c_str(), path.string(),
               " is missing: run scripts/fetch-data.sh, which extracts it from ", package,
               " without installing that, or apt-get install ", package,
               " and pass --data-dir /usr/lib/python3/dist-packages/", folder);
}

train::TrainerOptions Settings::checkpointed(const std::string& name) const {
  return {.checkpoint = out_dir / (name + ".ckpt"), .resume = resume, .distributed = distributed};
}

std::ostream& log_of(const Settings& settings) { return settings.log != nullptr ? *settings.log : std::cout; }

FigureFile save_figure(const Settings& settings, const std::string& file, const std::string& caption,
                       const plot::Figure& figure) {
  if (settings.is_main_process()) plot::save(figure, settings.out_dir / file);
  return {.file = file, .caption = caption};
}

void save_model(const Settings& settings, const std::string& name, const nn::Module& model) {
  if (settings.is_main_process()) io::save_model(model, settings.out_dir / (name + ".safetensors"));
}

void save_model(const Settings& settings, const std::string& name,
                const std::vector<std::pair<std::string, nn::StateDict>>& parts) {
  if (!settings.is_main_process()) return;
  nn::StateDict state;
  for (const auto& [prefix, part] : parts)
    for (const auto& [key, tensor] : part)
      state.emplace_back(prefix.empty() ? key : prefix + "." + key, tensor);
  // As io::save_model marks a module's state: names and layouts are PyTorch's.
  io::save_safetensors(state, settings.out_dir / (name + ".safetensors"), {{"format", "pt"}});
}

}  // namespace nabla::examples
