// Figures rendered by the real gnuplot (scripts/setup.sh installs it): the PNG exists, has the
// size asked for and something drawn in it; bad data and a failing or missing gnuplot are
// nabla::Error; nothing temporary is left behind, and text is never interpreted by gnuplot.
#include "nabla/plot/figure.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nabla/tensor/factory.h"
#include "tests/io/io_testing.h"
#include "tests/png_reader.h"

namespace nabla::plot {
namespace {

using testing::expect_error;
using testing::read_bytes;
using testing::TempDir;

// Sets an environment variable while alive (PATH, TMPDIR), then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::vector<double> grid(int n, double lo, double hi) {
  std::vector<double> x(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) x[static_cast<size_t>(i)] = lo + (hi - lo) * i / (n - 1);
  return x;
}

Figure small_line_figure() {
  return {.axes = {{.series = {Line{.x = {0, 1, 2}, .y = {1, 0, 1}}}}}, .width = 3, .height = 2, .dpi = 50};
}

// The number of distinct pixel colours: a blank image has 1, a drawn figure many.
size_t colours(const testing::Png& png) {
  std::set<std::vector<uint8_t>> seen;
  for (size_t i = 0; i < png.pixels.size(); i += png.channels)
    seen.insert(std::vector<uint8_t>(png.pixels.begin() + i, png.pixels.begin() + i + png.channels));
  return seen.size();
}

TEST(Plot, DrawsEveryKindOfSeriesInAGridOfPanels) {
  TempDir dir;
  const std::vector<double> x = grid(50, 0, 1);
  std::vector<double> f, lower, upper;
  for (double v : x) {
    f.push_back(v * std::sin(4 * M_PI * v));
    lower.push_back(f.back() - 0.2);
    upper.push_back(f.back() + 0.2);
  }
  const Figure figure{
      .axes = {{.title = "fit",
                .xlabel = "x",
                .ylabel = "f(x)",
                .legend = Legend::BottomLeft,
                .series = {Band{.x = x, .lower = lower, .upper = upper, .label = "±2σ"},
                           Line{.x = x, .y = f, .label = "f(x)", .color = "blue", .width = 2},
                           Line{.x = x, .y = upper, .label = "upper", .dash = Dash::Dashed},
                           Scatter{.x = {0.1, 0.5, 0.9}, .y = {0, 0.2, -0.5}, .label = "data"},
                           VLine{.x = 0.6, .label = "extrapolation"}, HLine{.y = 0}}},
               {.title = "confusion matrix",
                .xlabel = "predicted",
                .ylabel = "true",
                .equal_aspect = true,
                .series = {HeatMap{.values = tensor({{50, 2, 0}, {3, 40, 7}, {0, 5, 45}}),
                                   .x_labels = {"cat", "dog", "bird"},
                                   .y_labels = {"cat", "dog", "bird"}}}},
               {.title = "latent space",
                .xrange = Range{-3, 3},
                .yrange = Range{-3, 3},
                .equal_aspect = true,
                .legend = Legend::Outside,
                .series = {ClassScatter{.x = {-1, 0, 1, 2},
                                        .y = {1, 0, -1, 2},
                                        .classes = {0, 1, 1, 3},
                                        .class_names = {"zero", "one", "two", "three"}}}},
               {.title = "loss",
                .logy = true,
                .legend = Legend::None,
                .series = {Line{.x = {1, 2, 3, 4}, .y = {1, 0.1, 0.01, 0.001}},
                           Scatter{.x = {1, 4}, .y = {1, 0.001}, .marker = Marker::Square, .size = 1.5}}}},
      .columns = 2,
      .width = 8,
      .height = 6,
      .dpi = 80,
      .title = "four panels"};
  save(figure, dir / "figure.png");
  const std::string bytes = read_bytes(dir / "figure.png");
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(bytes.size(), 10000u);  // four drawn panels; an empty 640 x 480 PNG is ~3 kB
  const testing::Png png = testing::read_png(dir / "figure.png");
  EXPECT_EQ(png.width, 640u);  // 8 x 6 inches at 80 dpi
  EXPECT_EQ(png.height, 480u);
  EXPECT_GT(colours(png), 50u);
  EXPECT_EQ(dir.count(), 1u);  // no temporary file left
}

TEST(Plot, TakesTensorsOfAnyDtypeAsData) {
  TempDir dir;
  const Tensor x = arange(10.0, {.dtype = kInt64});
  const Tensor y = x.to(kFloat32) * 0.5;
  save({.axes = {{.series = {Line{.x = x, .y = y}, Scatter{.x = x, .y = y.to(kFloat64)}}}}}, dir / "t.png");
  EXPECT_EQ(testing::read_png(dir / "t.png").width, 640u);  // the default 6.4 x 4.8 inches at 100 dpi
  EXPECT_EQ(Values(y).values(), std::vector<double>({0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5}));

  expect_error([&] { Values v(zeros({2, 3})); }, {"plot::Values", "1-D", "[2, 3]"});
  expect_error([&] { Values v{Tensor()}; }, {"plot::Values", "undefined"});
  expect_error([&] { Matrix m(zeros({4})); }, {"plot::Matrix", "2-D", "[4]"});
  expect_error(
      [&] {
        Matrix m(std::vector<std::vector<double>>{{1, 2}, {3}});
      },
      {"plot::Matrix", "row 1 has 1 values but row 0 has 2"});
  const Matrix m(std::vector<std::vector<double>>{{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(m.rows(), 2);
  EXPECT_EQ(m.cols(), 3);
  EXPECT_EQ(m(1, 0), 4);
}

TEST(Plot, BadDataIsAnErrorNamingThePanelAndSeriesAndLeavesTheOldFile) {
  TempDir dir;
  const auto path = dir / "f.png";
  save(small_line_figure(), path);
  const std::string old = read_bytes(path);
  const auto fails = [&](const Figure& figure, std::initializer_list<std::string> parts) {
    expect_error([&] { save(figure, path); }, parts);
    EXPECT_EQ(read_bytes(path), old);
    EXPECT_EQ(dir.count(), 1u);
  };
  const Axes ok = small_line_figure().axes[0];
  Axes mismatched{.title = "fit", .series = {Scatter{.x = {1}, .y = {1}}, Line{.x = {1, 2, 3}, .y = {1, 2}}}};
  fails({.axes = {ok, mismatched}}, {"plot::save", "panel 2 ('fit'), series 2", "x has 3 values but y has 2"});
  fails({.axes = {{.series = {Band{.x = {1, 2}, .lower = {0, 0}, .upper = {1}}}}}},
        {"panel 1, series 1", "x has 2 values but upper has 1"});
  fails({.axes = {{.series = {Line{}}}}}, {"x is empty"});
  fails({}, {"no panels"});
  fails({.axes = {{.title = "empty"}}}, {"panel 1 ('empty')", "nothing to plot"});
  fails({.axes = {{.series = {VLine{.x = 1}}}}}, {"only reference lines"});
  fails({.axes = {{.series = {VLine{.x = NAN}, Line{.x = {1}, .y = {1}}}}}}, {"series 1", "x is nan"});
  fails({.axes = {{.xrange = Range{1, 1}, .series = ok.series}}}, {"xrange", "min < max", "[1, 1]"});
  fails({.axes = {{.series = {Line{.x = {1}, .y = {1}, .width = 0}}}}}, {"line width must be positive"});
  fails({.axes = {{.series = {Scatter{.x = {1}, .y = {1}, .size = -1}}}}}, {"marker size must be positive"});
  fails({.axes = {{.series = {Band{.x = {1}, .lower = {0}, .upper = {1}, .opacity = 2}}}}}, {"opacity"});
  fails({.axes = {{.series = {HeatMap{}}}}}, {"heat map is empty"});
  fails({.axes = {{.series = {HeatMap{.values = tensor({{1, 2}}), .x_labels = {"a"}}}}}}, {"2 columns but 1 x labels"});
  fails({.axes = {{.series = {HeatMap{.values = tensor({{1, 2}}), .y_labels = {"a", "b"}}}}}},
        {"1 rows but 2 y labels"});
  fails({.axes = {{.series = {HeatMap{.values = tensor({{1, 2}})}, HeatMap{.values = tensor({{1, 2}})}}}}},
        {"series 2", "second heat map"});
  fails({.axes = {{.series = {ClassScatter{.x = {1, 2}, .y = {1, 2}, .classes = {0, 1.5}}}}}},
        {"classes must be integers", "1.5"});
  fails({.axes = {{.series = {ClassScatter{.x = {1}, .y = {1}, .classes = {2}, .class_names = {"a"}}}}}},
        {"1 class names but the classes go up to 2"});
  fails({.axes = {ok}, .columns = -1}, {"columns must be >= 0"});
  fails({.axes = {ok}, .width = 0}, {"16 and 16384 pixels"});
  fails({.axes = {ok}, .font_size = 0}, {"font size must be positive"});
}

TEST(Plot, TextIsPrintedAsTypedNeverInterpreted) {
  TempDir dir;
  const std::string marker = (dir / "executed").string();
  const std::string text = "it's \"quoted\", x_1^2 @macro $HOME `touch " + marker + "` back\\slash\nline 2";
  const Figure figure{
      .axes = {{.title = text,
                .xlabel = text,
                .ylabel = text,
                .series = {Line{.x = {0, 1}, .y = {0, 1}, .label = text}, VLine{.x = 0.5, .label = text},
                           HeatMap{.values = tensor({{1.25, 2}}), .x_labels = {text, "'"}}}}},
      .title = text};
  save(figure, dir / "text.png");
  EXPECT_FALSE(std::filesystem::exists(marker));  // the backquoted command never ran
  EXPECT_GT(colours(testing::read_png(dir / "text.png")), 10u);
  // Markup where asked for, in a path with a quote in it.
  save({.axes = {{.xlabel = "x_1", .series = {Line{.x = {0, 1}, .y = {0, 1}}}}}, .enhanced_text = true},
       dir / "it's.png");
  EXPECT_TRUE(std::filesystem::exists(dir / "it's.png"));
}

TEST(Plot, AFailingGnuplotIsAnErrorWithWhatItPrinted) {
  TempDir dir, scratch;
  const ScopedEnv tmpdir("TMPDIR", scratch.path().string());
  expect_error(
      [&] {
        save({.axes = {{.series = {Line{.x = {0, 1}, .y = {0, 1}, .color = "no-such-colour"}}}}}, dir / "f.png");
      },
      {"plot::save", "f.png", "gnuplot failed (exit status 1)", "unrecognized color name"});
  EXPECT_EQ(dir.count(), 0u);
  EXPECT_EQ(scratch.count(), 0u);  // gnuplot's script and output were removed
  save(small_line_figure(), dir / "f.png");
  EXPECT_EQ(scratch.count(), 0u);
}

TEST(Plot, AMissingGnuplotNamesThePackageThatInstallsIt) {
  TempDir dir, empty;
  const ScopedEnv path("PATH", empty.path().string());
  expect_error([&] { save(small_line_figure(), dir / "f.png"); },
               {"plot::save", "gnuplot is not installed", "apt-get install gnuplot-nox"});
  EXPECT_EQ(dir.count(), 0u);
}

TEST(Plot, AnUnwritableFolderIsAnError) {
  TempDir dir;
  expect_error([&] { save(small_line_figure(), dir / "no-such-folder" / "f.png"); },
               {"no-such-folder", "cannot create a temporary file"});
}

}  // namespace
}  // namespace nabla::plot
