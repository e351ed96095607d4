// `hilt power on|off|cycle --lab L [--board B]`: a board's power by hand.
#include <cstdio>
#include <thread>

#include "harness/cli/board_session.h"
#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/devices/clock.h"
#include "harness/runner/device_factory.h"
#include "harness/runner/lab_session.h"

namespace hilt::cli {
namespace {

struct PowerArgs {
  std::string action;
  std::string lab;
  std::string board;
  std::string wait = "0s";
};

Status SwitchPower(const PowerArgs& args) {
  auto session = OpenBoardSession(args.lab, args.board, args.wait);
  if (!session.ok()) return session.status();
  const BoardConfig& board = *(*session)->board;
  SteadyClock clock;
  auto power = MakePowerSwitch(board, (*session)->lab.timeouts, &clock);
  if (!power.ok()) return power.status();
  PowerSwitch& p = **power;
  if (args.action == "on") {
    HILT_RETURN_IF_ERROR(p.On());
  } else if (args.action == "off") {
    HILT_RETURN_IF_ERROR(p.Off());
  } else {  // cycle
    HILT_RETURN_IF_ERROR(p.Off());
    clock.SleepFor(board.power.off_time);
    HILT_RETURN_IF_ERROR(p.On());
  }
  std::printf("%s: power %s (%s)\n", board.name.c_str(), args.action.c_str(), p.Describe().c_str());
  return Status::Ok();
}

int Power(const PowerArgs& args) {
  return ReportFailure("power", SwitchPower(args));
}

}  // namespace

void AddPowerCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PowerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "power",
      "Switch a board's power by hand: on, off, or cycle (off, the board's off-time, on).\n"
      "Takes the board's lock, so it never acts under a running `hilt run`. A board whose\n"
      "power needs a service (the simulator) needs that service running.\n"
      "Exit: 0 done, 2 bad lab config, 3 the switch failed or the board is busy.");
  cmd->add_option("action", args->action, "on, off or cycle")
      ->required()
      ->check(CLI::IsMember({"on", "off", "cycle"}));
  cmd->add_option("--lab", args->lab, "lab config")->required();
  cmd->add_option("--board", args->board, "board of the lab (default: its only board)");
  cmd->add_option("--wait", args->wait, "wait this long for a busy board (e.g. 1m)");
  cmd->callback([args, exit_code] { *exit_code = Power(*args); });
}

}  // namespace hilt::cli
