// hilt: hardware-in-the-loop CI for ARM boot chains.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"

int main(int argc, char** argv) {
  CLI::App app{"hilt: build, flash, power-cycle and check a board's boot chain"};
  app.set_version_flag("--version", std::string("hilt ") + HILT_VERSION);
  app.require_subcommand(1);

  int exit_code = hilt::kExitPass;
  hilt::cli::AddFirmwareFactsCommand(app, &exit_code);
  hilt::cli::AddFlashCommand(app, &exit_code);
  hilt::cli::AddLintCommand(app, &exit_code);
  hilt::cli::AddReplayCommand(app, &exit_code);
  hilt::cli::AddImageCommand(app, &exit_code);
  hilt::cli::AddRunCommand(app, &exit_code);
  hilt::cli::AddPowerCommand(app, &exit_code);
  hilt::cli::AddMuxCommand(app, &exit_code);
  hilt::cli::AddConsoleCommand(app, &exit_code);
  hilt::cli::AddHistoryCommand(app, &exit_code);
  hilt::cli::AddReproCommand(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // --help and --version exit 0; any other parse error is bad usage.
    return rc == 0 ? 0 : hilt::kExitBadInput;
  }
  return exit_code;
}
