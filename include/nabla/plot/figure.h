#pragma once
// Figures as plain data, drawn by gnuplot into a PNG file. A Figure is a grid of panels
// (Axes); each panel draws a list of series:
//
//   plot::Figure figure{.axes = {{.title = "fit", .xlabel = "x", .ylabel = "f(x)",
//                                 .legend = plot::Legend::BottomLeft,
//                                 .series = {plot::Band{.x = x, .lower = mu - 2 * sigma, .upper = mu + 2 *
//                                 sigma,
//                                                       .label = "±2σ"},
//                                            plot::Line{.x = x, .y = f, .label = "f(x)", .color = "blue"},
//                                            plot::Line{.x = x, .y = mu, .label = "prediction",
//                                                       .dash = plot::Dash::Dashed},
//                                            plot::Scatter{.x = x_train, .y = y_train, .label = "data"},
//                                            plot::VLine{.x = 0.5, .label = "extrapolation"}}}}};
//   plot::save(figure, settings.out_dir / "fit.png");
//
// Numbers come as std::vector<double>, std::vector<float>, a braced list or a 1-D tensor of any
// dtype; a heat map takes a 2-D tensor or a vector of rows. Series are drawn in order (a band
// first, so lines stay visible on top of it), each in the next colour of matplotlib's cycle
// unless given one. Text is literal: quotes, underscores, backquotes and '@' print as typed
// (Figure::enhanced_text turns on gnuplot's markup, x_1 and x^2), and '\n' starts a new line.
//
// save() runs gnuplot (Debian's gnuplot-nox, which scripts/setup.sh installs) as a child
// process with its input closed, and writes the PNG atomically. Bad data (x and y of different
// lengths, an empty panel, ...) throws nabla::Error naming the panel and the series; so do a
// missing gnuplot (with the apt-get command that installs it) and a failed one (with what it
// printed); the file at `path` is then left as it was.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::plot {

// The numbers of one coordinate of a series.
class Values {
 public:
  Values() = default;
  Values(std::vector<double> values) : values_(std::move(values)) {}
  Values(const std::vector<float>& values) : values_(values.begin(), values.end()) {}
  Values(std::initializer_list<double> values) : values_(values) {}
  // A 1-D tensor of any dtype; anything else throws nabla::Error.
  Values(const Tensor& tensor);

  const std::vector<double>& values() const { return values_; }
  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  double operator[](size_t i) const { return values_[i]; }
  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }

 private:
  std::vector<double> values_;
};

// The cells of a heat map, row by row.
class Matrix {
 public:
  Matrix() = default;
  // Rows of equal length; ragged rows throw nabla::Error.
  Matrix(const std::vector<std::vector<double>>& rows);
  // A 2-D tensor of any dtype; anything else throws nabla::Error.
  Matrix(const Tensor& tensor);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  double operator()(int64_t row, int64_t col) const { return values_[static_cast<size_t>(row * cols_ + col)]; }

 private:
  std::vector<double> values_;
  int64_t rows_ = 0, cols_ = 0;
};

enum class Dash { Solid, Dashed, Dotted, DashDot };
enum class Marker { Circle, Square, Triangle, Diamond, Cross, Plus };
enum class Legend { TopRight, TopLeft, BottomLeft, BottomRight, Outside, None };

// Colours are gnuplot's names ("blue", "dark-red", "black") or "#rrggbb"; empty means the
// next colour of the panel's cycle.

struct Line {
  Values x{};
  Values y{};
  std::string label{};  // the legend entry; none when empty
  std::string color{};
  Dash dash = Dash::Solid;
  double width = 1.5;
};

struct Scatter {
  Values x{};
  Values y{};
  std::string label{};
  std::string color{};
  Marker marker = Marker::Circle;
  double size = 0.6;  // gnuplot's point size (1 is its default)
};

// A line across the whole panel at x (VLine) or y (HLine), e.g. where extrapolation starts.
struct VLine {
  double x = 0;
  std::string label{};
  std::string color = "black";
  Dash dash = Dash::Dashed;
  double width = 1;
};

struct HLine {
  double y = 0;
  std::string label{};
  std::string color = "black";
  Dash dash = Dash::Dashed;
  double width = 1;
};

// The region between lower and upper, filled translucently (a ±2σ band).
struct Band {
  Values x{};
  Values lower{};
  Values upper{};
  std::string label{};
  std::string color{};
  double opacity = 0.25;
};

// A matrix as coloured cells, row 0 at the top and column 0 at the left, with each cell's
// number written in it (a confusion matrix: rows the true class, columns the predicted one).
struct HeatMap {
  Matrix values{};
  std::vector<std::string> x_labels{};  // one per column, as tick labels; indices when empty
  std::vector<std::string> y_labels{};  // one per row
  bool annotate = true;                 // write the numbers in the cells
  int precision = 3;                    // significant digits of non-integer numbers
};

// Points coloured by their class (a 2-D latent space): classes are integers 0, 1, ...
struct ClassScatter {
  Values x{};
  Values y{};
  Values classes{};
  std::vector<std::string> class_names{};  // legend entries; "class k" when empty
  Marker marker = Marker::Circle;
  double size = 0.6;
};

using Series = std::variant<Line, Scatter, VLine, HLine, Band, HeatMap, ClassScatter>;

struct Range {
  double min = 0;
  double max = 1;
};

// One panel.
struct Axes {
  std::string title{};
  std::string xlabel{};
  std::string ylabel{};
  std::optional<Range> xrange{};  // fitted to the data when unset
  std::optional<Range> yrange{};
  bool logx = false;
  bool logy = false;
  bool equal_aspect = false;  // one unit as long on both axes (a ring stays round)
  Legend legend = Legend::TopRight;
  std::vector<Series> series{};
};

struct Figure {
  std::vector<Axes> axes{};
  int64_t columns = 0;  // panels per row; 0 puts them all in one row
  double width = 6.4;   // inches, the whole figure
  double height = 4.8;
  double dpi = 100;     // pixels per inch of the PNG
  std::string title{};  // above all the panels
  double font_size = 10;
  bool enhanced_text = false;  // gnuplot's markup in text: x_1, x^2, {/Symbol s}
};

// Draws `figure` into the PNG file `path` (its directory must exist), replacing it atomically.
void save(const Figure& figure, const std::filesystem::path& path);

}  // namespace nabla::plot
