// The `hilt` subcommands. Each lives in its own <name>_command.cc and adds
// itself to the app; its callback stores the process exit code in *exit_code
// (see harness/core/exit_code.h).
#ifndef HILT_CLI_COMMANDS_H_
#define HILT_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace hilt::cli {

// Add the declaration of each command here, and its call in main.cc.
void AddReplayCommand(CLI::App& app, int* exit_code);
void AddFirmwareFactsCommand(CLI::App& app, int* exit_code);
void AddFlashCommand(CLI::App& app, int* exit_code);
void AddLintCommand(CLI::App& app, int* exit_code);
void AddImageCommand(CLI::App& app, int* exit_code);
void AddRunCommand(CLI::App& app, int* exit_code);
void AddPowerCommand(CLI::App& app, int* exit_code);
void AddMuxCommand(CLI::App& app, int* exit_code);
void AddConsoleCommand(CLI::App& app, int* exit_code);
void AddHistoryCommand(CLI::App& app, int* exit_code);
void AddReproCommand(CLI::App& app, int* exit_code);

}  // namespace hilt::cli

#endif  // HILT_CLI_COMMANDS_H_
