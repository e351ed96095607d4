// `hilt lint FILE...`: validates suites and lab configs without touching a
// board, so that CI can reject a broken suite before it books a board.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/core/suite_loader.h"
#include "harness/core/yaml_doc.h"
#include "harness/runner/lab_config.h"

namespace hilt::cli {
namespace {

// Lints one file. Returns the summary for a good file; errors carry
// "file:line:column: message" lines. The kind of document decides the
// loader: 'suite:' at the top is a suite, 'boards:' a lab config.
StatusOr<std::string> LintLab(const std::string& path) {
  auto lab = LoadLabConfigFile(path);
  if (!lab.ok()) return lab.status();
  std::string boards;
  for (const auto& b : lab->boards) boards += (boards.empty() ? "" : ", ") + b.name;
  return "lab config: boards " + boards + "; " + std::to_string(lab->build.size()) + " build steps" +
         (lab->image ? "; image from " + lab->image->layout : "");
}

StatusOr<std::string> LintFile(const std::string& path, bool is_lab) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidInput(path + ": is a directory; name the YAML files to lint");
  }
  auto doc = YamlDoc::LoadFile(path);
  if (!doc.ok()) return doc.status();
  if (is_lab || (doc->root().IsMap() && doc->root()["boards"])) return LintLab(path);
  if (doc->root().IsMap() && doc->root()["suite"]) {
    auto suite = LoadSuiteFile(path);
    if (!suite.ok()) return suite.status();
    return std::to_string(suite->stages.size()) + " stages, " +
           std::to_string(suite->tests.size()) + " tests";
  }
  if (doc->root().IsNull()) return Status::InvalidInput(path + ": empty file, not a suite");
  return Status::InvalidInput(
      path + ": neither a suite ('suite:' at the top) nor a lab config ('boards:' at the top)");
}

}  // namespace

void AddLintCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "lint", "Validate suites (schema, regexes (RE2), fact checks, names) and lab configs\n"
              "(schema, devices, ${VAR} expansion, build outputs named by the image), each error as "
              "file:line:column: message. Exit 0 if all files are good, 2 otherwise.");
  auto files = std::make_shared<std::vector<std::string>>();
  auto labs = std::make_shared<std::vector<std::string>>();
  cmd->add_option("FILE", *files, "suite files or lab configs (YAML) to validate");
  // One value per --lab: without this CLI11 lets a vector option swallow the
  // words after it, so `--lab A SUITE` linted SUITE as a lab config.
  cmd->add_option("--lab", *labs,
                  "lab config to validate; repeat for more (also recognised as FILE by its 'boards:')")
      ->allow_extra_args(false);
  cmd->callback([files, labs, exit_code] {
    int rc = kExitPass;
    if (files->empty() && labs->empty()) {
      std::fprintf(stderr, "hilt lint: name suite files and/or --lab configs\n");
      *exit_code = kExitBadInput;
      return;
    }
    std::vector<std::pair<std::string, bool>> all;
    for (const auto& l : *labs) all.emplace_back(l, true);
    for (const auto& f : *files) all.emplace_back(f, false);
    for (const auto& [path, is_lab] : all) {
      auto summary = LintFile(path, is_lab);
      if (summary.ok()) {
        std::printf("%s: ok (%s)\n", path.c_str(), summary->c_str());
      } else {
        std::fprintf(stderr, "%s\n", summary.status().message().c_str());
        rc = kExitBadInput;
      }
    }
    std::fflush(stdout);
    *exit_code = rc;
  });
}

}  // namespace hilt::cli
