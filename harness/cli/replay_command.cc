// `hilt replay --suite S LOG [--out DIR]`: checks a captured log offline and
// writes the run-folder reports for it (docs/replay.md).
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "harness/cli/commands.h"
#include "harness/core/console_log.h"
#include "harness/core/exit_code.h"
#include "harness/core/junit_xml.h"
#include "harness/core/log_replay.h"
#include "harness/core/report_html.h"
#include "harness/core/result_json.h"
#include "harness/core/suite_loader.h"

namespace hilt::cli {

namespace {

namespace fs = std::filesystem;

struct ReplayArgs {
  std::string suite;
  std::string log;
  std::string out;
  std::string format = "auto";
};

// Text from the board, made safe to print on a terminal: control bytes and
// invalid UTF-8 as \xNN (backslashes stay, so patterns read as written).
std::string Printable(std::string_view bytes) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || bytes[i] == '\\') {  // ASCII: never inside a UTF-8 sequence
      EscapeConsoleBytes(bytes.substr(start, i - start), &out);
      if (i < bytes.size()) out += '\\';
      start = i + 1;
    }
  }
  return out;
}

std::string Secs(const std::optional<Nanos>& t) {
  return t ? fmt::format("{:.3f}s", ToSeconds(*t)) : "-";
}

// replay-<suite>-<YYYYmmdd-HHMMSS>[-N] in the current folder.
std::string DefaultOutDir(const std::string& suite) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::string name;
  for (char c : suite) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  std::string base = "replay-" + name + "-" + stamp;
  std::string dir = base;
  for (int n = 2; fs::exists(dir); ++n) dir = base + "-" + std::to_string(n);
  return dir;
}

void PrintSummary(const Verdict& v, const std::string& suite, const ReplayArgs& args,
                  LogFormat format, const ReplayStats& stats, const std::string& out) {
  std::cout << fmt::format("replay of {} ({} log, {} bytes) against suite {}\n", args.log,
                           LogFormatName(format), stats.bytes, suite);
  size_t width = 6;
  for (const auto& s : v.stages) width = std::max(width, s.name.size());
  for (const auto& t : v.tests) width = std::max(width, t.name.size());
  auto row = [&](const std::string& name, StageStatus status, const std::optional<Nanos>& t,
                 const std::optional<Nanos>& duration, const std::string& reason) {
    std::string line = fmt::format("  {:<{}}  {:<11}", name, width, StageStatusName(status));
    if (v.timed && t) line += fmt::format("  {:>10}", Secs(t));
    if (v.timed && duration) line += fmt::format("  (+{})", Secs(duration));
    // The verdict line below repeats the failing reason; say the others here.
    if (!reason.empty() && reason != v.reason) line += "  " + Printable(reason);
    std::cout << line << "\n";
  };
  for (const auto& s : v.stages) row(s.name, s.status, s.t, s.duration, s.reason);
  for (const auto& t : v.tests) row("test " + t.name, t.status, t.t, t.duration, t.reason);
  if (!v.timed) std::cout << "  (untimed log: budgets not judged)\n";
  if (stats.malformed_lines > 0) {
    std::cout << fmt::format("  note: {} lines were not in console.log format and were read "
                             "as they are\n", stats.malformed_lines);
  }
  std::string verdict = OutcomeName(v.outcome);
  for (auto& c : verdict) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string where = v.failed_stage.empty() ? "" : " at " + Printable(v.failed_stage);
  std::string reason = v.reason.empty() ? "" : ": " + Printable(v.reason);
  std::cout << "verdict: " << verdict << where << reason << "\n";
  std::cout << "reports: " << out << "/ (result.json, junit.xml, console.log, report.html)\n";
}

Status RunReplay(const ReplayArgs& args, int* exit_code) {
  StatusOr<Suite> suite = LoadSuiteFile(args.suite);
  if (!suite.ok()) return suite.status().Prefixed("suite");

  std::error_code ec;
  if (!fs::exists(args.log, ec)) return Status::NotFound("log '" + args.log + "' does not exist");
  if (fs::is_directory(args.log, ec)) {
    return Status::InvalidInput("log '" + args.log + "' is a folder; give console.log or console.raw");
  }
  std::ifstream in(args.log, std::ios::binary);
  if (!in) return Status::NotFound("cannot open log '" + args.log + "': " + std::strerror(errno));

  LogFormat format;
  if (args.format == "timed") {
    format = LogFormat::kTimed;
  } else if (args.format == "raw") {
    format = LogFormat::kRaw;
  } else {
    StatusOr<LogFormat> detected = DetectStreamFormat(&in);
    if (!detected.ok()) return detected.status().Prefixed("log '" + args.log + "'");
    format = *detected;
  }

  std::string out = args.out.empty() ? DefaultOutDir(suite->name) : args.out;
  fs::create_directories(out, ec);
  if (ec) return Status::InvalidInput("cannot create output folder '" + out + "': " + ec.message());

  // console.log goes to a temporary name first: LOG may be the very
  // console.log of OUT, which must not be truncated while it is read.
  const std::string console_path = out + "/console.log";
  const std::string console_temp = out + "/.console.log.replay-tmp";
  std::ofstream console_file(console_temp, std::ios::binary | std::ios::trunc);
  if (!console_file) return Status::InvalidInput("cannot write '" + console_temp + "'");
  ConsoleLogWriter console(&console_file);

  ReplayStats stats;
  ConsoleExcerpt excerpt;  // report.html's console, built in the same pass
  StatusOr<Verdict> verdict = ReplayLog(*suite, &in, format, &console, &stats, &excerpt);
  if (!verdict.ok()) {
    fs::remove(console_temp, ec);
    return verdict.status().Prefixed("log '" + args.log + "'");
  }
  Status written = console.Finish();
  console_file.close();
  if (!written.ok() || !console_file) {
    fs::remove(console_temp, ec);
    return Status::InvalidInput("cannot write '" + console_path + "' (disk full?)");
  }
  fs::rename(console_temp, console_path, ec);
  if (ec) return Status::InvalidInput("cannot write '" + console_path + "': " + ec.message());
  HILT_RETURN_IF_ERROR(WriteResultJson(out + "/result.json", *verdict, suite->name));
  HILT_RETURN_IF_ERROR(WriteJunitXml(out + "/junit.xml", *verdict, suite->name));
  ReportInfo report;
  report.suite = suite->name;
  report.details.emplace_back("replay of", args.log);
  report.raw_href = "console.log";  // the folder's whole log; a replay has no console.raw
  HILT_RETURN_IF_ERROR(WriteReportHtml(out, *verdict, report, excerpt));

  PrintSummary(*verdict, suite->name, args, format, stats, out);
  switch (verdict->outcome) {
    case Outcome::kPass: *exit_code = kExitPass; break;
    case Outcome::kFail: *exit_code = kExitBoardFailed; break;
    case Outcome::kError: *exit_code = kExitLabFailed; break;
  }
  return Status::Ok();
}

}  // namespace

void AddReplayCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Check a captured console log against a suite, offline: the same verdict as a live run.\n"
      "LOG is a timed console.log from a run folder (each line is fed with its time, so\n"
      "budgets are judged) or a raw capture such as console.raw or a minicom log (fed\n"
      "untimed: budgets are not judged). Writes result.json, junit.xml, console.log and\n"
      "report.html (a self-contained page with a boot timeline)\n"
      "to --out and prints a summary. Exit: 0 pass, 1 fail, 2 bad suite or log.");
  cmd->add_option("--suite,-s", args->suite, "suite YAML file")->required();
  cmd->add_option("log", args->log, "the log to check (console.log, console.raw, any capture)")
      ->required();
  cmd->add_option("--out,-o", args->out,
                  "folder for the reports (created if missing; default: "
                  "./replay-<suite>-<timestamp>)");
  cmd->add_option("--format", args->format,
                  "how to read LOG: auto (default: tell by its first 64 KiB), timed, raw")
      ->check(CLI::IsMember({"auto", "timed", "raw"}));
  cmd->callback([args, exit_code] {
    Status status = RunReplay(*args, exit_code);
    if (!status.ok()) {
      std::cerr << "hilt replay: " << status.message() << "\n";
      *exit_code = ExitCodeFor(status);
    }
  });
}

}  // namespace hilt::cli
