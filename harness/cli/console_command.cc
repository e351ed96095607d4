// `hilt console --lab L [--board B]`: the board's UART at the terminal.
// Raw mode (Ctrl-C goes to the board), Ctrl-] quits; every byte from the
// board is also logged.
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/core/yaml_doc.h"
#include "harness/devices/clock.h"
#include "harness/runner/device_factory.h"
#include "harness/runner/lab_services.h"
#include "harness/runner/lab_session.h"
#include "harness/runner/signals.h"

namespace hilt::cli {
namespace {

constexpr char kQuit = 0x1d;  // Ctrl-]

struct ConsoleArgs {
  std::string lab;
  std::string board;
  std::string log;
  std::string wait = "0s";
  bool boot = false;
};

// Puts the terminal in raw mode and restores it on every way out.
class RawTerminal {
 public:
  RawTerminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    cfmakeraw(&raw);
    raw.c_oflag |= OPOST | ONLCR;  // keep our own messages readable
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status Passthrough(Console& console, std::ofstream& log, std::atomic<bool>* cancel) {
  RawTerminal raw;
  bool stdin_open = true;
  while (!cancel->load()) {
    std::string in;
    HILT_RETURN_IF_ERROR(console.Read(&in, std::chrono::milliseconds(20)));
    if (!in.empty()) {
      log.write(in.data(), static_cast<std::streamsize>(in.size()));
      log.flush();
      if (!WriteAll(STDOUT_FILENO, in)) return Status::Ok();  // the terminal went away
    }
    if (!stdin_open) continue;
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    if (poll(&pfd, 1, 0) <= 0) continue;
    char buf[256];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      stdin_open = false;  // stdin closed (a pipe ran dry): keep showing the board
      continue;
    }
    std::string_view keys(buf, static_cast<size_t>(n));
    size_t quit = keys.find(kQuit);
    HILT_RETURN_IF_ERROR(console.Write(keys.substr(0, quit)));
    if (quit != std::string_view::npos) return Status::Ok();
  }
  return Status::Ok();
}

int RunConsole(const ConsoleArgs& args) {
  ScopedCancelOnSignals signals;
  auto wait = ParseDuration(args.wait);
  Status status = wait.status();
  auto session = status.ok() ? OpenLabSession(args.lab, args.board, *wait, CancelFlag())
                             : StatusOr<std::unique_ptr<LabSession>>(status);
  if (!session.ok()) return ReportFailure("console", session.status());
  const LabConfig& lab = (*session)->lab;
  const BoardConfig& board = *(*session)->board;
  std::string log_path = args.log.empty()
      ? lab.state_dir + "/console-" + board.name + "-" + UtcStamp() + ".log"
      : args.log;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(log_path).parent_path(), ec);
  std::ofstream log(log_path, std::ios::binary | std::ios::app);
  LabServices services(board.services, lab.state_dir + "/services-" + board.name + ".log");
  status = services.Start(CancelFlag());
  std::unique_ptr<Console> console;
  if (status.ok()) {
    auto made = MakeConsole(board);
    status = made.status();
    if (status.ok()) {
      console = std::move(*made);
      status = console->Open();
    }
  }
  if (status.ok() && args.boot) {
    // The lock is ours, so no other hilt can cycle the board meanwhile:
    // do it here, with the console already open to catch the first byte.
    SteadyClock clock;
    auto power = MakePowerSwitch(board, lab.timeouts, &clock);
    auto mux = MakeSdMux(board, lab.timeouts);
    status = !power.ok() ? power.status() : mux.status();
    if (status.ok()) status = (*power)->Off();
    if (status.ok()) status = (*mux)->Switch(MuxSide::kDut);
    if (status.ok()) {
      clock.SleepFor(board.power.off_time);
      status = (*power)->On();
    }
  }
  if (status.ok()) {
    std::fprintf(stderr, "hilt: %s on %s; Ctrl-] quits; logging to %s\n", board.name.c_str(),
                 console->Describe().c_str(), log_path.c_str());
    status = Passthrough(*console, log, CancelFlag());
    console->Close();
    std::fprintf(stderr, "\r\nhilt: console closed\n");
  }
  services.Stop();
  return ReportFailure("console", status);
}

}  // namespace

void AddConsoleCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ConsoleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "console",
      "Open a board's console at the terminal: keys go to the board (raw mode, so Ctrl-C\n"
      "reaches U-Boot), its output to the screen and to a log. Ctrl-] quits. Starts the\n"
      "board's services (the simulator) for as long as it runs and takes the board's lock.\n"
      "Exit: 0 closed by Ctrl-], 2 bad lab config, 3 the console failed or the board is busy.");
  cmd->add_option("--lab", args->lab, "lab config")->required();
  cmd->add_option("--board", args->board, "board of the lab (default: its only board)");
  cmd->add_option("--log", args->log, "log file (default <state-dir>/console-<board>-<UTC time>.log)");
  cmd->add_option("--wait", args->wait, "wait this long for a busy board (e.g. 1m)");
  cmd->add_flag("--boot", args->boot,
                "once the console is open: power off, SD card to the board, power on (the lock\n"
                "keeps other hilt commands away while the console is open, so boot from here)");
  cmd->callback([args, exit_code] { *exit_code = RunConsole(*args); });
}

}  // namespace hilt::cli
