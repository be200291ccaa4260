// plot::save: checks the figure, writes it as one gnuplot script (the data inline, as
// datablocks) and runs gnuplot on it, which renders into the temporary file that
// io::write_atomically_via_file then renames over the target.
#include "nabla/plot/figure.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <sstream>
#include <type_traits>

#include "nabla/io/atomic_file.h"
#include "nabla/tensor/error.h"
#include "src/plot/gnuplot.h"

namespace nabla::plot {
namespace {

constexpr const char* kOp = "plot::save";

// matplotlib's default colour cycle (tab10).
constexpr std::array<const char*, 10> kCycle = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

// A gnuplot string expression that prints `text` as typed: single-quoted pieces, inside which
// only '' is special (no backquote command substitution, no macros, no backslash escapes),
// joined by "\n" where the text breaks lines.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "''";
    else if (c == '\n')
      out += "'.\"\\n\".'";
    else if (c != '\r' && c != '\0')
      out += c;
  }
  return out + "'";
}

// Shortest round-tripping decimal, independent of the locale; gnuplot reads NaN as an
// undefined point (a gap in a line), which is what a non-finite value becomes.
std::string number(double v) {
  if (!std::isfinite(v)) return "NaN";
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  return std::string(buffer.data(), result.ptr);
}

// gnuplot's settings for each enumerator, in the enum's order.
constexpr std::array<int, 4> kDashTypes = {1, 2, 3, 4};          // Dash: solid, dashed, dotted, dash-dot
constexpr std::array<int, 6> kPointTypes = {7, 5, 9, 13, 2, 1};  // Marker: filled shapes, then cross and plus
constexpr std::array<const char*, 6> kKeys = {"set key top right opaque",   "set key top left opaque",
                                              "set key bottom left opaque", "set key bottom right opaque",
                                              "set key outside right top",  "unset key"};

int dash_type(Dash dash) { return kDashTypes.at(static_cast<size_t>(dash)); }
int point_type(Marker marker) { return kPointTypes.at(static_cast<size_t>(marker)); }
const char* key_position(Legend legend) { return kKeys.at(static_cast<size_t>(legend)); }

std::string title_clause(const std::string& label) { return label.empty() ? "notitle" : "title " + quoted(label); }

// The value as a heat map cell's text: integers (counts) in full, others to `precision` digits.
std::string cell_text(double v, int precision) {
  if (std::isfinite(v) && v == std::round(v) && std::abs(v) < 1e15) return number(v);
  std::ostringstream os;
  os.precision(precision);
  os << v;
  return os.str();
}

// Writes one panel: its settings, its data as datablocks and one plot command.
class PanelWriter {
 public:
  PanelWriter(std::ostream& out, const Axes& axes, size_t panel) : out_(out), axes_(axes), panel_(panel) {}

  void write() {
    check(!axes_.series.empty(), "has nothing to plot");
    out_ << "reset\nset encoding utf8\nset grid back lw 1 lc rgb '#d0d0d0' dt solid\n";
    if (!axes_.title.empty()) out_ << "set title " << quoted(axes_.title) << '\n';
    if (!axes_.xlabel.empty()) out_ << "set xlabel " << quoted(axes_.xlabel) << '\n';
    if (!axes_.ylabel.empty()) out_ << "set ylabel " << quoted(axes_.ylabel) << '\n';
    write_range("x", axes_.xrange);
    write_range("y", axes_.yrange);
    // %g: gnuplot's default format labels some log axes 0.000010 rather than 1e-05.
    if (axes_.logx) out_ << "set logscale x\nset format x '%g'\n";
    if (axes_.logy) out_ << "set logscale y\nset format y '%g'\n";
    if (axes_.equal_aspect) out_ << "set size ratio -1\n";
    out_ << key_position(axes_.legend) << '\n';
    bool data = false;  // gnuplot cannot draw a panel of reference lines alone
    for (series_ = 0; series_ < axes_.series.size(); ++series_) {
      const Series& s = axes_.series[series_];
      std::visit([&](const auto& one) { add(one); }, s);
      if (!std::holds_alternative<VLine>(s) && !std::holds_alternative<HLine>(s)) data = true;
    }
    series_ = kNoSeries;
    check(data, "has only reference lines: give it data to plot");
    out_ << "plot ";
    for (size_t i = 0; i < clauses_.size(); ++i) out_ << (i ? ", \\\n     " : "") << clauses_[i];
    out_ << '\n';
  }

 private:
  static constexpr size_t kNoSeries = static_cast<size_t>(-1);

  template <class... Args>
  void check(bool ok, const Args&... message) const {
    if (ok) return;
    std::ostringstream where;
    where << "panel " << panel_ + 1;
    if (!axes_.title.empty()) where << " ('" << axes_.title << "')";
    if (series_ != kNoSeries) where << ", series " << series_ + 1;
    ::nabla::detail::fail(kOp, where.str(), ": ", message...);
  }

  void check_finite(double v, const char* what) const { check(std::isfinite(v), what, " is ", v); }
  void check_positive(double v, const char* what) const {
    check(std::isfinite(v) && v > 0, what, " must be positive, got ", v);
  }

  void write_range(const char* axis, const std::optional<Range>& range) {
    if (!range) return;
    check(std::isfinite(range->min) && std::isfinite(range->max) && range->min < range->max, axis,
          "range must have finite min < max, got [", range->min, ", ", range->max, "]");
    out_ << "set " << axis << "range [" << number(range->min) << ':' << number(range->max) << "]\n";
  }

  std::string color(const std::string& given) {
    return "rgb " + quoted(given.empty() ? kCycle[next_color_++ % kCycle.size()] : given);
  }

  // Every column the same length as the first, and not empty.
  void check_lengths(std::initializer_list<std::pair<const char*, const Values*>> columns) const {
    const auto& [first_name, first] = *columns.begin();
    check(!first->empty(), first_name, " is empty");
    for (const auto& [name, column] : columns)
      check(column->size() == first->size(), first_name, " has ", first->size(), " values but ", name, " has ",
            column->size());
  }

  // Starts the panel's next datablock (named data, which its lines up to "EOD" hold); returns its name.
  std::string begin_datablock() {
    const std::string name = "$p" + std::to_string(panel_) + "s" + std::to_string(blocks_++);
    out_ << name << " << EOD\n";
    return name;
  }

  // Writes the columns as a datablock, one row per line; returns its name.
  std::string datablock(std::initializer_list<const Values*> columns) {
    const std::string name = begin_datablock();
    for (size_t row = 0; row < (*columns.begin())->size(); ++row) {
      for (const Values* column : columns) out_ << number((*column)[row]) << ' ';
      out_ << '\n';
    }
    out_ << "EOD\n";
    return name;
  }

  void add(const Line& s) {
    check_lengths({{"x", &s.x}, {"y", &s.y}});
    check_positive(s.width, "the line width");
    clauses_.push_back(datablock({&s.x, &s.y}) + " using 1:2 with lines lw " + number(s.width) + " dt " +
                       std::to_string(dash_type(s.dash)) + " lc " + color(s.color) + ' ' + title_clause(s.label));
  }

  void add(const Scatter& s) {
    check_lengths({{"x", &s.x}, {"y", &s.y}});
    check_positive(s.size, "the marker size");
    clauses_.push_back(datablock({&s.x, &s.y}) + " using 1:2 with points " + points(s.marker, s.size) + " lc " +
                       color(s.color) + ' ' + title_clause(s.label));
  }

  static std::string points(Marker marker, double size) {
    return "pt " + std::to_string(point_type(marker)) + " ps " + number(size);
  }

  // A reference line is an arrow from one side of the graph to the other, and, when
  // labelled, a legend entry of the same style.
  void reference_line(const std::string& from, const std::string& to, const std::string& label,
                      const std::string& color_name, Dash dash, double width) {
    check_positive(width, "the line width");
    const std::string style =
        "lw " + number(width) + " dt " + std::to_string(dash_type(dash)) + " lc " + color(color_name);
    out_ << "set arrow from " << from << " to " << to << " nohead front " << style << '\n';
    if (!label.empty()) clauses_.push_back("keyentry with lines " + style + ' ' + title_clause(label));
  }

  void add(const VLine& s) {
    check_finite(s.x, "the line's x");
    reference_line("first " + number(s.x) + ", graph 0", "first " + number(s.x) + ", graph 1", s.label, s.color, s.dash,
                   s.width);
  }

  void add(const HLine& s) {
    check_finite(s.y, "the line's y");
    reference_line("graph 0, first " + number(s.y), "graph 1, first " + number(s.y), s.label, s.color, s.dash, s.width);
  }

  void add(const Band& s) {
    check_lengths({{"x", &s.x}, {"lower", &s.lower}, {"upper", &s.upper}});
    check(s.opacity >= 0 && s.opacity <= 1, "the opacity must be in [0, 1], got ", s.opacity);
    clauses_.push_back(datablock({&s.x, &s.lower, &s.upper}) + " using 1:2:3 with filledcurves fc " + color(s.color) +
                       " fs transparent solid " + number(s.opacity) + " noborder " + title_clause(s.label));
  }

  void add(const HeatMap& s) {
    const Matrix& m = s.values;
    check(m.rows() > 0 && m.cols() > 0, "the heat map is empty");
    check(s.x_labels.empty() || static_cast<int64_t>(s.x_labels.size()) == m.cols(), "the heat map has ", m.cols(),
          " columns but ", s.x_labels.size(), " x labels");
    check(s.y_labels.empty() || static_cast<int64_t>(s.y_labels.size()) == m.rows(), "the heat map has ", m.rows(),
          " rows but ", s.y_labels.size(), " y labels");
    check(s.precision >= 1 && s.precision <= 17, "the precision must be in [1, 17], got ", s.precision);
    check(!heat_map_, "has a second heat map: draw each in its own panel");
    heat_map_ = true;
    // Each cell as column, row, value and its text.
    double low = INFINITY, high = -INFINITY;
    const std::string name = begin_datablock();
    for (int64_t r = 0; r < m.rows(); ++r)
      for (int64_t c = 0; c < m.cols(); ++c) {
        const double v = m(r, c);
        if (std::isfinite(v)) {
          low = std::min(low, v);
          high = std::max(high, v);
        }
        out_ << c << ' ' << r << ' ' << number(v) << " \"" << cell_text(v, s.precision) << "\"\n";
      }
    out_ << "EOD\n";
    // Row 0 at the top, as the matrix is printed; cells one unit wide around their indices.
    if (!axes_.xrange) out_ << "set xrange [-0.5:" << m.cols() - 0.5 << "]\n";
    if (!axes_.yrange) out_ << "set yrange [" << m.rows() - 0.5 << ":-0.5]\n";
    out_ << "set xtics " << tics(s.x_labels, m.cols()) << "\nset ytics " << tics(s.y_labels, m.rows())
         << "\nunset grid\nset tics scale 0\nset palette defined (0 '#f7fbff', 1 '#08306b')\n";
    clauses_.push_back(name + " using 1:2:3 with image notitle");
    // Dark cells (above the middle of the colour scale) get white text.
    if (s.annotate)
      clauses_.push_back(name + " using 1:2:4:($3 > " + number((low + high) / 2) +
                         " ? 0xffffff : 0) with labels tc rgb variable notitle");
  }

  static std::string tics(const std::vector<std::string>& labels, int64_t n) {
    if (labels.empty()) return n <= 30 ? "1" : "autofreq";
    std::string out = "(";
    for (size_t i = 0; i < labels.size(); ++i) out += (i ? ", " : "") + quoted(labels[i]) + ' ' + std::to_string(i);
    return out + ")";
  }

  void add(const ClassScatter& s) {
    check_lengths({{"x", &s.x}, {"y", &s.y}, {"classes", &s.classes}});
    check_positive(s.size, "the marker size");
    int64_t classes = static_cast<int64_t>(s.class_names.size());
    for (double c : s.classes) {
      check(c >= 0 && c == std::round(c) && c < 1e6, "classes must be integers 0, 1, ..., got ", c);
      classes = std::max(classes, static_cast<int64_t>(c) + 1);
    }
    check(s.class_names.empty() || static_cast<int64_t>(s.class_names.size()) == classes, "there are ",
          s.class_names.size(), " class names but the classes go up to ", classes - 1);
    const std::string name = datablock({&s.x, &s.y, &s.classes});
    // One clause per class that has points, each with its colour and legend entry.
    for (int64_t k = 0; k < classes; ++k) {
      if (std::find(s.classes.begin(), s.classes.end(), static_cast<double>(k)) == s.classes.end()) continue;
      const std::string label = s.class_names.empty() ? "class " + std::to_string(k) : s.class_names[k];
      clauses_.push_back(name + " using 1:($3 == " + std::to_string(k) + " ? $2 : NaN) with points " +
                         points(s.marker, s.size) + " lc rgb '" + kCycle[k % kCycle.size()] + "' " +
                         title_clause(label));
    }
  }

  std::ostream& out_;
  const Axes& axes_;
  size_t panel_;
  size_t series_ = kNoSeries;
  size_t blocks_ = 0;
  size_t next_color_ = 0;
  bool heat_map_ = false;
  std::vector<std::string> clauses_;
};

std::string script(const Figure& figure, const std::filesystem::path& output) {
  NABLA_CHECK(!figure.axes.empty(), kOp, "the figure has no panels (Figure::axes is empty)");
  NABLA_CHECK(figure.columns >= 0, kOp, "columns must be >= 0, got ", figure.columns);
  const double width = figure.width * figure.dpi, height = figure.height * figure.dpi;
  NABLA_CHECK(width >= 16 && height >= 16 && width <= 16384 && height <= 16384, kOp, "the figure is ", figure.width,
              " x ", figure.height, " inches at ", figure.dpi,
              " dpi; it must be between 16 and 16384 pixels on each side");
  NABLA_CHECK(std::isfinite(figure.font_size) && figure.font_size > 0, kOp, "the font size must be positive, got ",
              figure.font_size);
  const int64_t panels = static_cast<int64_t>(figure.axes.size());
  const int64_t columns = figure.columns == 0 ? panels : std::min(figure.columns, panels);
  std::ostringstream out;
  out << "set terminal pngcairo size " << std::lround(width) << ',' << std::lround(height) << " font 'Sans,"
      << number(figure.font_size) << "' " << (figure.enhanced_text ? "enhanced" : "noenhanced")
      << "\nset encoding utf8\nset output " << quoted(output.string()) << "\nset multiplot layout "
      << (panels + columns - 1) / columns << ',' << columns;
  if (!figure.title.empty()) out << " title " << quoted(figure.title);
  out << '\n';
  for (size_t i = 0; i < figure.axes.size(); ++i) PanelWriter(out, figure.axes[i], i).write();
  out << "unset multiplot\nunset output\n";
  return out.str();
}

}  // namespace

void save(const Figure& figure, const std::filesystem::path& path) {
  io::write_atomically_via_file(path, [&](const std::filesystem::path& temp) {
    detail::run_gnuplot(script(figure, temp), path);
    NABLA_CHECK(std::filesystem::file_size(temp) > 0, kOp, "gnuplot wrote nothing into '", path.string(), "'");
  });
}

}  // namespace nabla::plot
