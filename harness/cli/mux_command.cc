// `hilt mux host|dut --lab L [--board B]`: a board's SD mux by hand.
#include <cstdio>

#include "harness/cli/board_session.h"
#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/runner/device_factory.h"
#include "harness/runner/lab_session.h"

namespace hilt::cli {
namespace {

struct MuxArgs {
  std::string side;
  std::string lab;
  std::string board;
  std::string wait = "0s";
};

Status SwitchMux(const MuxArgs& args) {
  auto session = OpenBoardSession(args.lab, args.board, args.wait);
  if (!session.ok()) return session.status();
  const BoardConfig& board = *(*session)->board;
  auto mux = MakeSdMux(board, (*session)->lab.timeouts);
  if (!mux.ok()) return mux.status();
  HILT_RETURN_IF_ERROR((*mux)->Switch(args.side == "host" ? MuxSide::kHost : MuxSide::kDut));
  std::printf("%s: SD card to %s (%s)\n", board.name.c_str(), args.side.c_str(), (*mux)->Describe().c_str());
  return Status::Ok();
}

int Mux(const MuxArgs& args) {
  return ReportFailure("mux", SwitchMux(args));
}

}  // namespace

void AddMuxCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<MuxArgs>();
  CLI::App* cmd = app.add_subcommand(
      "mux",
      "Move a board's SD card by hand: to the host (to read or write it) or to the dut (to boot).\n"
      "Power the board off first (`hilt power off`): moving a card under a running board can\n"
      "corrupt it. Takes the board's lock.\n"
      "Exit: 0 done, 2 bad lab config, 3 the mux failed or the board is busy.");
  cmd->add_option("side", args->side, "host or dut")->required()->check(CLI::IsMember({"host", "dut"}));
  cmd->add_option("--lab", args->lab, "lab config")->required();
  cmd->add_option("--board", args->board, "board of the lab (default: its only board)");
  cmd->add_option("--wait", args->wait, "wait this long for a busy board (e.g. 1m)");
  cmd->callback([args, exit_code] { *exit_code = Mux(*args); });
}

}  // namespace hilt::cli
