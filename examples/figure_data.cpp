#include "examples/figure_data.h"

#include <ostream>

#include "nabla/io/atomic_file.h"
#include "nabla/tensor/error.h"

namespace nabla::examples {

void write_figure_data(const Settings& settings, const std::string& file,
                       const std::vector<Column>& columns) {
  NABLA_CHECK(!columns.empty(), "write_figure_data", file, ": no columns");
  const size_t rows = columns[0].values.size();
  for (const Column& c : columns)
    NABLA_CHECK(c.values.size() == rows, "write_figure_data", file, ": column '", c.name, "' has ",
                c.values.size(), " values, column '", columns[0].name, "' ", rows);
  io::write_atomically(settings.out_dir / file, [&](std::ostream& out) {
    out.precision(10);
    for (size_t j = 0; j < columns.size(); ++j) out << (j ? "," : "") << columns[j].name;
    out << '\n';
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < columns.size(); ++j) out << (j ? "," : "") << columns[j].values[i];
      out << '\n';
    }
  });
}

}  // namespace nabla::examples
