// The files `nabla run` writes for each example, and the HTML report `nabla report` builds
// from them.
#include "examples/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "examples/results.h"
#include "nabla/io/image.h"
#include "nabla/tensor/factory.h"
#include "tests/io/io_testing.h"

namespace nabla::examples {
namespace {

using json = nlohmann::json;
using testing::expect_error;
using testing::read_bytes;
using testing::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two examples' folders as `nabla run` leaves them: one that met its checks with a figure and
// an image grid, one that missed a check after a shortened run.
void write_two_runs(const TempDir& out) {
  std::filesystem::create_directories(out / "alpha");
  std::filesystem::create_directories(out / "beta");
  io::save_image_grid(out / "alpha" / "grid.png", zeros({1, 2, 2}));
  testing::write_bytes(out / "alpha" / "f.png", "f");            // base64 "Zg=="
  testing::write_bytes(out / "alpha" / "foobar.png", "foobar");  // base64 "Zm9vYmFy"
  testing::write_bytes(out / "alpha" / "mlp.safetensors", "");
  testing::write_bytes(out / "alpha" / "cnn.safetensors", "");
  testing::write_bytes(out / "alpha" / "results.json", R"json({
    "example": "alpha", "seed": "003 (Robert)", "title": "the first", "seconds": 1.5, "shortened": false,
    "settings": {"seed": 7, "full": false, "epochs": 20},
    "metrics": {"rmse": 0.125},
    "checks": [{"criterion": "RMSE < 0.2 & beats <linear>", "value": 0.125, "met": true}],
    "figures": [{"file": "grid.png", "caption": "the inputs"}, {"file": "f.png", "caption": ""},
                {"file": "foobar.png", "caption": "six bytes"}, {"file": "gone.png", "caption": "lost"}]})json");
  testing::write_bytes(out / "alpha" / "config.json",
                       R"json({"command": "nabla run alpha --seed 7", "resolved": {"epochs": 20, "lr": 0.001}})json");
  testing::write_bytes(out / "beta" / "results.json", R"json({
    "example": "beta", "seed": "000 (Raissi)", "title": "the second", "seconds": 2, "shortened": true,
    "settings": {"seed": 0, "full": false},
    "checks": [{"criterion": "rollout error < 0.1", "value": 0.3, "met": false},
               {"criterion": "loss falls", "value": 0.01, "met": true}]})json");
}

TEST(Report, GathersEveryExampleIntoOneSelfContainedPage) {
  TempDir out;
  write_two_runs(out);
  std::filesystem::create_directories(out / "no-results");  // a folder without a run is skipped
  const std::filesystem::path path = write_report(out.path());
  EXPECT_EQ(path, out / "report.html");
  const std::string html = read_bytes(path);
  EXPECT_TRUE(contains(html, "<!DOCTYPE html>"));
  EXPECT_TRUE(contains(html, "2 example(s): 1 met every check, 1 missed one, 0 failed"));
  for (const char* part :
       {"alpha", "beta", "003 (Robert)", "000 (Raissi)", "the first", "the second", "rollout error &lt; 0.1",
        "loss falls", "1 not met", "all met", "0.125",
        "RMSE &lt; 0.2 &amp; beats &lt;linear&gt;",  // escaped
        "seed 7, epochs 20", "ran in 1.5 s", "nabla run alpha --seed 7", "lr", "the inputs",
        "missing figure: gone.png", "<code>cnn.safetensors</code>, <code>mlp.safetensors</code>"})
    EXPECT_TRUE(contains(html, part)) << part;
  EXPECT_FALSE(contains(html, "no-results"));
  // The figures are inside the page, as data: URIs of the files' bytes.
  EXPECT_TRUE(contains(html, "src=\"data:image/png;base64,iVBORw0KGgo"));  // the PNG signature
  EXPECT_TRUE(contains(html, "data:image/png;base64,Zg==\""));
  EXPECT_TRUE(contains(html, "data:image/png;base64,Zm9vYmFy\""));
  EXPECT_FALSE(contains(html, "src=\"grid.png"));
  // Only beta's run was shortened: the page says so, once at the top and at beta.
  EXPECT_TRUE(contains(html, "1 of these runs used the shortened defaults"));
  EXPECT_TRUE(contains(html, "<code>nabla run beta --full</code>"));
  EXPECT_FALSE(contains(html, "<code>nabla run alpha --full</code>"));
  EXPECT_EQ(out.count(), 4u);  // alpha, beta, no-results and report.html: no temporary file left
}

TEST(Report, AFailedRunAndAnUnreadableResultsFileAreShownNotFatal) {
  TempDir out;
  write_two_runs(out);
  std::filesystem::create_directories(out / "crashed");
  testing::write_bytes(out / "crashed" / "results.json",
                       R"json({"example": "crashed", "seed": "001", "error": "boston-housing: data missing"})json");
  std::filesystem::create_directories(out / "garbled");
  testing::write_bytes(out / "garbled" / "results.json", R"json({"example": "garbled", "checks": [)json");
  std::filesystem::create_directories(out / "mistyped");
  testing::write_bytes(out / "mistyped" / "results.json", R"json({"example": "mistyped", "seconds": "slow"})json");
  const std::string html = read_bytes(write_report(out.path()));
  EXPECT_TRUE(contains(html, "5 example(s): 1 met every check, 1 missed one, 3 failed"));
  EXPECT_TRUE(contains(html, "The run failed: boston-housing: data missing"));
  EXPECT_TRUE(contains(html, "cannot read " + (out / "garbled" / "results.json").string()));
  EXPECT_TRUE(contains(html, "cannot read " + (out / "mistyped" / "results.json").string()));
}

TEST(Report, AFolderWithoutRunsIsAnError) {
  TempDir out;
  expect_error([&] { write_report(out.path()); }, {"nabla report", "no results.json", "nabla run all --out"});
  expect_error([&] { write_report(out / "missing"); }, {"nabla report", "is not a folder"});
  EXPECT_EQ(out.count(), 0u);
}

TEST(Report, WriteResultsRecordsTheRunAndHowToRepeatIt) {
  TempDir out;
  const Example example{.name = "demo", .seed = "002", .title = "a demo", .run = {}};
  Settings settings{.out_dir = out / "demo", .data_dir = "/data", .seed = 3, .epochs = 40};
  std::filesystem::create_directories(settings.out_dir);
  const Outcome outcome{.metrics = {{"accuracy", 0.9}},
                        .checks = {{"accuracy >= 0.85", 0.9, true}},
                        .figures = {{"loss.png", "the loss"}},
                        .config = {{"epochs", 40}, {"lr", 0.01}},
                        .shortened = true};
  write_results(example, settings, outcome, 12.5);
  const json results = json::parse(read_bytes(out / "demo" / "results.json"));
  EXPECT_EQ(results["example"], "demo");
  EXPECT_EQ(results["seed"], "002");
  EXPECT_EQ(results["settings"]["seed"], 3);
  EXPECT_EQ(results["settings"]["epochs"], 40);
  EXPECT_FALSE(results["settings"].contains("lr"));  // the example's default
  EXPECT_EQ(results["seconds"], 12.5);
  EXPECT_EQ(results["shortened"], true);
  EXPECT_EQ(results["metrics"]["accuracy"], 0.9);
  EXPECT_EQ(results["checks"][0]["criterion"], "accuracy >= 0.85");
  EXPECT_EQ(results["checks"][0]["met"], true);
  EXPECT_EQ(results["figures"][0]["file"], "loss.png");
  EXPECT_FALSE(results.contains("error"));
  const json config = json::parse(read_bytes(out / "demo" / "config.json"));
  EXPECT_EQ(config["resolved"]["lr"], 0.01);
  const std::string command = config["command"];
  for (const char* part : {"nabla run demo --out ", "--seed 3", "--epochs 40", "--data-dir /data", "--threads"})
    EXPECT_TRUE(contains(command, part)) << command;
  EXPECT_FALSE(contains(command, "--full"));

  write_results(example, settings, {}, 0.5, "it broke");
  EXPECT_EQ(json::parse(read_bytes(out / "demo" / "results.json"))["error"], "it broke");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out / "demo"), {}), 2);  // and nothing else
  const std::string html = read_bytes(write_report(out.path()));
  EXPECT_TRUE(contains(html, "The run failed: it broke"));
}

}  // namespace
}  // namespace nabla::examples
