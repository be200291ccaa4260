// read_csv on fixtures the tests write to a temporary directory, and Table.
#include "nabla/data/csv.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::TempDir;

TEST(ReadCsv, ReadsAHeaderAndNumericRows) {
  TempDir dir;
  const Table t = read_csv(dir.write("a.csv", "x,y,z\n1,2.5,-3\n4e2, +5 ,6.25\n"));
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(t.num_rows(), 2);
  EXPECT_EQ(t.num_columns(), 3);
  EXPECT_EQ(t.values().dtype(), kFloat64);
  EXPECT_EQ(t.values().shape(), Shape({2, 3}));
  expect_values(t.values(), {1, 2.5, -3, 400, 5, 6.25});
}

TEST(ReadCsv, HandlesCrLfMissingFinalNewlineBlankLinesAndByteOrderMark) {
  TempDir dir;
  const Table t = read_csv(dir.write("b.csv",
                                     "\xEF\xBB\xBF"
                                     "a,b\r\n1,2\r\n\r\n  \n3,4"));
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"a", "b"}));
  expect_values(t.values(), {1, 2, 3, 4});
}

TEST(ReadCsv, QuotedHeaderNames) {
  TempDir dir;
  const Table t = read_csv(dir.write("q.csv", "\"price, $\", \"say \"\"hi\"\"\" ,\"2\"\n1,\"2\",3\n"));
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"price, $", "say \"hi\"", "2"}));
  expect_values(t.values(), {1, 2, 3});
  expect_error([&] { read_csv(dir.write("open.csv", "\"a,b\n1\n")); }, {"line 1", "not closed"});
  expect_error([&] { read_csv(dir.write("after.csv", "\"a\"x,b\n1,2\n")); },
               {"line 1", "after a quoted field"});
}

TEST(ReadCsv, SkipRowsReadsScikitLearnsBostonFile) {
  // The shape of boston_house_prices.csv: a "rows,features" line before the header.
  TempDir dir;
  const std::string path = dir.write("boston.csv",
                                     "3,4\n"
                                     "CRIM,ZN,B,MEDV\n"
                                     "0.00632,18.0,396.9,24.0\n"
                                     "0.02731,0.0,396.9,21.6\n"
                                     "0.02729,0.0,392.83,34.7\n");
  const Table t = read_csv(path, {.skip_rows = 1});
  EXPECT_EQ(t.num_rows(), 3);
  const Table features = t.drop({"MEDV", "B"});
  EXPECT_EQ(features.columns(), (std::vector<std::string>{"CRIM", "ZN"}));
  expect_values(features.values(), {0.00632, 18, 0.02731, 0, 0.02729, 0});
  const Table target = t.select({"MEDV"});
  EXPECT_EQ(target.values().shape(), Shape({3, 1}));
  expect_values(target.values(), {24, 21.6, 34.7});
  // Without skipping, "3,4" is the header and the next line is a ragged row.
  expect_error([&] { read_csv(path); }, {"read_csv", path, "line 2", "4 fields", "header has 2"});
}

TEST(ReadCsv, DelimitersAndComments) {
  TempDir dir;
  expect_values(read_csv(dir.write("s.csv", "a;b\n1;2\n"), {.delimiter = ';'}).values(), {1, 2});
  expect_values(read_csv(dir.write("t.tsv", "a\tb\n1\t2\n"), {.delimiter = '\t'}).values(), {1, 2});
  const Table t = read_csv(dir.write("c.csv", "# made by hand\na,b # the header\n1,2\n#3,4\n5,6 # last\n"),
                           {.comment = '#'});
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"a", "b"}));
  expect_values(t.values(), {1, 2, 5, 6});
  expect_error([&] { read_csv((dir / "s.csv").string(), {.delimiter = '"'}); }, {"invalid delimiter"});
  expect_error([&] { read_csv((dir / "s.csv").string(), {.skip_rows = -1}); }, {"skip_rows"});
}

TEST(ReadCsv, HeaderOnlyGivesZeroRows) {
  TempDir dir;
  const Table t = read_csv(dir.write("h.csv", "a,b,c\n"));
  EXPECT_EQ(t.values().shape(), Shape({0, 3}));
}

TEST(ReadCsv, MissingValuesAreErrorsUnlessReadAsNaN) {
  TempDir dir;
  const std::string path = dir.write("na.csv", "a,b,c\n1,NA,3\n,nan,N/A\n");
  expect_error([&] { read_csv(path); },
               {path, "line 2", "column 'b'", "missing value 'NA'", "missing_as_nan"});
  const Table t = read_csv(path, {.missing_as_nan = true});
  const std::vector<double> v = t.values().to_vector<double>();
  EXPECT_EQ(v[0], 1);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(v[2], 3);
  for (int i = 3; i < 6; ++i) EXPECT_TRUE(std::isnan(v[i])) << i;
}

TEST(ReadCsv, ErrorsNameTheFileLineAndColumn) {
  TempDir dir;
  expect_error([&] { read_csv((dir / "absent.csv").string()); },
               {"read_csv", "cannot open", "absent.csv", "No such file"});
  expect_error([&] { read_csv(dir.path().string()); }, {"is a directory"});
  const std::string empty = dir.write("empty.csv", "");
  expect_error([&] { read_csv(empty); }, {empty, "no header row", "empty"});
  expect_error([&] { read_csv(dir.write("blank.csv", "\n\r\n  \n")); }, {"no header row"});
  expect_error([&] { read_csv(dir.write("short.csv", "506,13\n"), {.skip_rows = 2}); },
               {"no header row", "skipped"});
  const std::string ragged = dir.write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
  expect_error([&] { read_csv(ragged); }, {ragged, "line 3", "2 fields", "header has 3"});
  expect_error([&] { read_csv(dir.write("long.csv", "a,b\n1,2,\n")); }, {"line 2", "3 fields"});
  const std::string text = dir.write("text.csv", "a,age\n1,2\n3,old\n");
  expect_error([&] { read_csv(text); }, {text, "line 3", "column 'age'", "'old' is not a number"});
  expect_error([&] { read_csv(dir.write("half.csv", "a\n1.5x\n")); }, {"'1.5x' is not a number"});
  expect_error([&] { read_csv(dir.write("huge.csv", "a\n1e999\n")); }, {"1e999 is outside the range"});
  expect_error([&] { read_csv(dir.write("dup.csv", "a,b,a\n1,2,3\n")); },
               {"line 1", "duplicate column name 'a'"});
  expect_error([&] { read_csv(dir.write("noname.csv", "a,,c\n1,2,3\n")); }, {"column 2 has no name"});
}

TEST(Table, ColumnSelectAndDrop) {
  const Table t({"a", "b", "c"}, testing::f64({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_TRUE(t.contains("b"));
  EXPECT_FALSE(t.contains("d"));
  EXPECT_EQ(t.index_of("c"), 2);
  Tensor b = t.column("b");
  expect_values(b, {2, 5});
  b.fill_(0);  // a copy: the table is unchanged
  expect_values(t.column("b"), {2, 5});
  const Table ca = t.select({"c", "a"});
  EXPECT_EQ(ca.columns(), (std::vector<std::string>{"c", "a"}));
  expect_values(ca.values(), {3, 1, 6, 4});
  const Table rest = t.drop({"b"});
  EXPECT_EQ(rest.columns(), (std::vector<std::string>{"a", "c"}));
  expect_values(rest.values(), {1, 3, 4, 6});
  EXPECT_EQ(t.drop({"a", "b", "c"}).values().shape(), Shape({2, 0}));
  expect_error([&] { t.column("d"); }, {"no column named 'd'", "'a', 'b', 'c'"});
  expect_error([&] { t.drop({"a", "x"}); }, {"no column named 'x'"});
  expect_error([&] { t.select({"a", "a"}); }, {"duplicate column name 'a'"});
}

TEST(Table, ChecksItsParts) {
  expect_error([] { Table({"a"}, zeros({2, 1})); }, {"float64"});
  expect_error([] { Table({"a"}, testing::f64({1, 2}, {1, 2})); }, {"1 column names", "[1, 2]"});
  expect_error([] { Table({"a", "a"}, testing::f64({1, 2}, {1, 2})); }, {"duplicate column name 'a'"});
}

}  // namespace
}  // namespace nabla::data
