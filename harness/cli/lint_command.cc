// `hilt lint FILE...`: validates suites (and, once their loader lands, lab
// configs) without touching a board, so that CI can reject a broken suite
// before it books a board.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/core/suite_loader.h"
#include "harness/core/yaml_doc.h"

namespace hilt::cli {
namespace {

// Lints one file. Returns the summary for a good file; errors carry
// "file:line:column: message" lines. The kind of document decides the
// loader: add lab configs here.
StatusOr<std::string> LintFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidInput(path + ": is a directory; name the YAML files to lint");
  }
  auto doc = YamlDoc::LoadFile(path);
  if (!doc.ok()) return doc.status();
  if (doc->root().IsMap() && doc->root()["suite"]) {
    auto suite = LoadSuiteFile(path);
    if (!suite.ok()) return suite.status();
    return std::to_string(suite->stages.size()) + " stages, " +
           std::to_string(suite->tests.size()) + " tests";
  }
  if (doc->root().IsNull()) return Status::InvalidInput(path + ": empty file, not a suite");
  return Status::InvalidInput(
      path + ": not a suite (a suite has 'suite:' at the top; lab configs are linted once the "
             "lab loader lands)");
}

}  // namespace

void AddLintCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "lint", "Validate suites: schema, regexes (RE2), fact checks and names, each error as "
              "file:line:column: message. Exit 0 if all files are good, 2 otherwise.");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("FILE", *files, "suite files (YAML) to validate")->required();
  cmd->callback([files, exit_code] {
    int rc = kExitPass;
    for (const std::string& path : *files) {
      auto summary = LintFile(path);
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
