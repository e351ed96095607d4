// The run state machine against fakes: every step, every failure path.
#include "harness/runner/run.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "harness/core/exit_code.h"

namespace hilt {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Where the fakes fail. Each names one step of the run.
enum class Fault {
  kNone, kServiceStart, kBuild, kImage, kFirstPowerOff, kMuxHost, kBlockDevice, kFlash,
  kFlashThrows, kMuxDut, kChecker, kConsoleStart, kPowerOn, kConsoleDies, kServiceDies,
  kTypeFails, kCancelMidBoot, kCancelInBuild, kBadLayout,
};

struct World {
  ManualClock clock;
  Fault fault = Fault::kNone;
  bool power_on = true;  // a board left on by someone: the run must cope
  MuxSide mux = MuxSide::kDut;
  int power_offs = 0;
  std::vector<std::string> events;
  std::atomic<bool> cancel{false};
  Nanos power_on_at{-1};
  std::string typed;
  std::vector<std::string> gaps;  // what the console reports at the end
  bool cancel_at_cleanup = false; // a signal arrives while the cleanup powers off
  std::vector<std::string> console_notes;  // what the console session reports (a log cap)
};

class FakePower : public PowerSwitch {
 public:
  explicit FakePower(World* w) : w_(w) {}
  Status On() override {
    w_->events.push_back("power on");
    if (w_->fault == Fault::kPowerOn) return Status::LabFailure("relay stuck");
    if (w_->mux != MuxSide::kDut) return Status::LabFailure("test: powered on with the card on the host");
    w_->power_on = true;
    w_->power_on_at = w_->clock.Now();
    return Status::Ok();
  }
  Status Off() override {
    w_->events.push_back("power off");
    if (w_->cancel_at_cleanup && w_->power_on_at.count() >= 0) w_->cancel = true;
    if (w_->fault == Fault::kFirstPowerOff && w_->power_offs++ == 0) return Status::LabFailure("relay busy");
    w_->power_on = false;
    return Status::Ok();
  }
  std::string Describe() const override { return "fake power"; }

 private:
  World* w_;
};

class FakeMux : public SdMux {
 public:
  explicit FakeMux(World* w) : w_(w) {}
  Status Switch(MuxSide side) override {
    w_->events.push_back(std::string("mux ") + MuxSideName(side));
    if (w_->power_on) return Status::LabFailure("test: mux moved while powered");
    if (side == MuxSide::kHost && w_->fault == Fault::kMuxHost && w_->mux != MuxSide::kHost) {
      w_->mux = MuxSide::kHost;  // the first switch fails, the cleanup's works
      return Status::LabFailure("usb mux not found");
    }
    if (side == MuxSide::kDut && w_->fault == Fault::kMuxDut) return Status::LabFailure("mux stuck");
    w_->mux = side;
    return Status::Ok();
  }
  std::string Describe() const override { return "fake mux"; }

 private:
  World* w_;
};

// Prints the boot log one line per 100 ms after power-on.
class FakeConsole : public ConsoleSession {
 public:
  FakeConsole(World* w, std::vector<std::string> lines) : w_(w), lines_(std::move(lines)) {}
  void MarkPowerOn() override { marked_ = true; }
  void Drain(std::vector<StampedBytes>* out) override {
    if (w_->power_on_at.count() < 0) return;
    EXPECT_TRUE(marked_) << "bytes stamped before the origin was marked";
    Nanos t = w_->clock.Now() - w_->power_on_at;
    while (next_ < lines_.size() && (stopped_ || Nanos(milliseconds(100) * (next_ + 1)) <= t)) {
      out->push_back({lines_[next_], milliseconds(100) * (next_ + 1)});
      ++next_;
    }
  }
  Status Health() override {
    if (w_->fault == Fault::kConsoleDies && next_ >= 3) return Status::LabFailure("socket closed");
    return Status::Ok();
  }
  Status Type(std::string_view text, std::vector<StampedBytes>* drained) override {
    if (w_->fault == Fault::kTypeFails) return Status::LabFailure("write failed");
    w_->typed += text;
    // What the board printed while we typed goes to the caller, in order.
    w_->clock.Advance(milliseconds(150));
    Drain(drained);
    return Status::Ok();
  }
  Status Stop() override {
    stopped_ = true;  // all that was sent has "arrived": Drain must hand it over
    return Status::Ok();
  }
  std::vector<std::string> Gaps() override { return w_->gaps; }
  std::vector<std::string> Notes() override { return w_->console_notes; }

 private:
  World* w_;
  std::vector<std::string> lines_;
  size_t next_ = 0;
  bool stopped_ = false;
  bool marked_ = false;
};

// Passes on "PROMPT>", fails on "PANIC", asks for Ctrl-C on "autoboot".
class FakeChecker : public BootCheck {
 public:
  explicit FakeChecker(World* w) : w_(w) { v_.outcome = Outcome::kError; }
  void Feed(std::string_view bytes, Nanos t, std::vector<CheckAction>* actions) override {
    if (w_->fault == Fault::kCancelMidBoot && bytes.find("BL2") != std::string_view::npos) w_->cancel = true;
    if (bytes.find("autoboot") != std::string_view::npos) actions->push_back({"\x03", "interrupt"});
    if (bytes.find("PANIC") != std::string_view::npos) Decide(Outcome::kFail, "bl31", t);
    if (bytes.find("PROMPT>") != std::string_view::npos) Decide(Outcome::kPass, "", t);
  }
  void Tick(Nanos now, std::vector<CheckAction>*) override {
    if (now > seconds(5)) Decide(Outcome::kFail, "uboot", now);
  }
  void Finish(Nanos now) override { Decide(Outcome::kFail, "timeout", now); }
  bool done() const override { return done_; }
  Verdict verdict() const override { return v_; }

 private:
  void Decide(Outcome o, std::string stage, Nanos t) {
    if (done_) return;
    done_ = true;
    v_.outcome = o;
    v_.failed_stage = std::move(stage);
    v_.total = t;
  }
  World* w_;
  bool done_ = false;
  Verdict v_;
};

class FakeSteps : public LabSteps {
 public:
  FakeSteps(World* w, std::vector<std::string> lines) : w_(w), lines_(std::move(lines)) {}
  Status Build(const BuildStep& step, const std::string&, const std::atomic<bool>*) override {
    w_->events.push_back("build " + step.name);
    if (w_->fault == Fault::kCancelInBuild) {
      w_->cancel = true;
      return Status::LabFailure("build step 'fw' was stopped");
    }
    if (w_->fault == Fault::kBuild) return Status::LabFailure("build step 'fw' failed: make exited with 2");
    return Status::Ok();
  }
  Status Image(const ImageConfig&, const std::map<std::string, std::string>& parts,
               const std::string&, const std::string&) override {
    w_->events.push_back("image");
    EXPECT_EQ(parts.at("bl2"), "/build/bl2.img");
    if (w_->fault == Fault::kBadLayout) return Status::InvalidInput("layout.yaml:3:4: overlap");
    if (w_->fault == Fault::kImage) return Status::LabFailure("disk full");
    return Status::Ok();
  }
  Status WaitForBlockDevice(const std::string& path, Nanos, const std::atomic<bool>*) override {
    w_->events.push_back("wait " + path);
    if (w_->mux != MuxSide::kHost) return Status::LabFailure("test: waited with the card on the board");
    if (w_->fault == Fault::kBlockDevice) return Status::Timeout("no /dev/sdx after 30s");
    return Status::Ok();
  }
  Status Flash(const std::string&, const std::string& device, const std::string&, Nanos,
               const std::atomic<bool>*) override {
    w_->events.push_back("flash " + device);
    if (w_->power_on || w_->mux != MuxSide::kHost) return Status::LabFailure("test: flashed a live card");
    if (w_->fault == Fault::kFlashThrows) throw std::runtime_error("bad_alloc in flasher");
    if (w_->fault == Fault::kFlash) return Status::LabFailure("verify mismatch at sector 34");
    return Status::Ok();
  }
  StatusOr<std::unique_ptr<ConsoleSession>> StartConsole(const std::string&) override {
    w_->events.push_back("console");
    if (w_->fault == Fault::kConsoleStart) return Status::LabFailure("no /dev/ttyUSB0");
    return std::unique_ptr<ConsoleSession>(new FakeConsole(w_, lines_));
  }
  StatusOr<std::unique_ptr<BootCheck>> MakeChecker(const Suite&) override {
    if (w_->fault == Fault::kChecker) return Status::InvalidInput("suite.yaml:4:5: bad regex");
    return std::unique_ptr<BootCheck>(new FakeChecker(w_));
  }

 private:
  World* w_;
  std::vector<std::string> lines_;
};

class FakeRecorder : public RunRecorder {
 public:
  void Console(std::string_view bytes, Nanos t) override {
    log += bytes;
    EXPECT_GE(t.count(), 0);
    EXPECT_FALSE(finished) << "console bytes after the reports were written";
  }
  Status Finish(const Verdict& v) override {
    finished = true;
    verdict = v;
    verdict_said_before_result = RunLogSaysVerdict();
    return Status::Ok();
  }
  Status FinishOthers(const Verdict&) override {
    EXPECT_TRUE(finished) << "junit.xml before result.json";
    verdict_said_before_others = RunLogSaysVerdict();
    return others_fail ? Status::LabFailure("junit.xml: No space left on device") : Status::Ok();
  }
  bool RunLogSaysVerdict() const {
    std::ifstream in(run_dir + "/run.log");
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("] verdict ") != std::string::npos) return true;
    }
    return false;
  }
  std::string run_dir;
  std::string log;
  bool finished = false;
  bool others_fail = false;
  bool verdict_said_before_result = false;
  bool verdict_said_before_others = false;
  Verdict verdict;
};

class FakeServices : public ServiceSet {
 public:
  explicit FakeServices(World* w) : w_(w) {}
  Status Start(const std::atomic<bool>*) override {
    started = true;
    return w_->fault == Fault::kServiceStart ? Status::LabFailure("hilt-sim exited with 1") : Status::Ok();
  }
  Status Check() override {
    if (w_->fault == Fault::kServiceDies && w_->clock.Now() - w_->power_on_at > milliseconds(250)) {
      return Status::LabFailure("service 'sim' exited (killed by signal 9)");
    }
    return Status::Ok();
  }
  void Stop() override { stopped = true; }
  bool started = false, stopped = false;

 private:
  World* w_;
};

const std::vector<std::string> kGoodBoot = {"BootROM\r\n", "NOTICE:  BL2: v2.9\r\n",
                                            "NOTICE:  BL31: v2.9\r\n", "U-Boot 2024.04\r\n",
                                            "Hit any key to stop autoboot\r\n", "PROMPT> "};

struct Outcome_ {
  RunResult result;
  std::string log;
  bool recorder_finished;
};

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hilt_run_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    lab_.file = "lab.yaml";
    lab_.state_dir = dir_.string();
    BuildStep step;
    step.name = "fw";
    step.run = "make";
    step.outputs = {{"bl2", "/build/bl2.img"}, {"fip", "/build/fip.bin"}};
    lab_.build.push_back(step);
    lab_.image = ImageConfig{"layout.yaml", {{"bl2", "bl2"}, {"fip", "fip"}}, {}};
    board_.name = "r4";
    board_.block_device = "/dev/disk/by-id/usb-sdmux";
    board_.power.off_time = seconds(1);
    suite_.name = "s";
    suite_.timeout = seconds(20);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunResult Run(Fault fault, std::vector<std::string> lines = kGoodBoot, std::string recover_from = "") {
    world_.fault = fault;
    FakePower power(&world_);
    FakeMux mux(&world_);
    FakeSteps steps(&world_, lines);
    FakeServices services(&world_);
    RunRequest req;
    req.lab = &lab_;
    req.board = &board_;
    req.suite = &suite_;
    req.run_dir = dir_.string();
    req.cancel = &world_.cancel;
    req.recover_from = recover_from;
    RunDeps deps{&world_.clock, &power, &mux, &steps, &recorder_, &services};
    recorder_.run_dir = dir_.string();
    RunResult r = ExecuteRun(req, deps);
    EXPECT_TRUE(services.started);
    EXPECT_TRUE(services.stopped) << "services must be stopped on every path";
    return r;
  }

  std::filesystem::path dir_;
  LabConfig lab_;
  BoardConfig board_;
  Suite suite_;
  World world_;
  FakeRecorder recorder_;
};

TEST_F(RunTest, GoodBootPassesAndLeavesTheLabSafe) {
  RunResult r = Run(Fault::kNone);
  EXPECT_EQ(r.exit_code, kExitPass) << r.verdict.reason;
  EXPECT_EQ(r.verdict.outcome, Outcome::kPass);
  EXPECT_FALSE(world_.power_on);
  EXPECT_EQ(world_.mux, MuxSide::kHost);
  EXPECT_EQ(world_.typed, "\x03");  // the checker's interrupt was typed
  std::string all;
  for (const auto& l : kGoodBoot) all += l;
  EXPECT_EQ(recorder_.log, all);
  ASSERT_TRUE(recorder_.finished);
  EXPECT_EQ(recorder_.verdict.outcome, Outcome::kPass);
  // The order that keeps the card and the board safe.
  std::vector<std::string> want = {"build fw", "image", "power off", "mux host",
                                   "wait /dev/disk/by-id/usb-sdmux", "flash /dev/disk/by-id/usb-sdmux",
                                   "power off", "mux dut", "console", "power on", "power off", "mux host"};
  EXPECT_EQ(world_.events, want);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "run.log"));
}

TEST_F(RunTest, TheVerdictLineFollowsResultJsonAndPrecedesTheOtherReports) {
  RunResult r = Run(Fault::kNone);
  EXPECT_EQ(r.exit_code, kExitPass) << r.verdict.reason;
  EXPECT_FALSE(recorder_.verdict_said_before_result) << "run.log claimed a verdict not yet on disk";
  EXPECT_TRUE(recorder_.verdict_said_before_others) << "junit.xml delayed the verdict line";
}

TEST_F(RunTest, FailingToWriteJunitAfterTheVerdictIsStillALabFailure) {
  recorder_.others_fail = true;
  RunResult r = Run(Fault::kNone);
  EXPECT_EQ(r.exit_code, kExitLabFailed);
  std::ifstream in(dir_ / "run.log");
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("writing the reports failed: junit.xml: No space left on device (exit 3)"),
            std::string::npos) << log;
}

TEST_F(RunTest, ALogCapIsANoteNotAnError) {
  world_.console_notes = {"console.raw capped at 1024 bytes of console output"};
  RunResult r = Run(Fault::kNone);
  EXPECT_EQ(r.exit_code, kExitPass) << r.verdict.reason;
  EXPECT_EQ(r.verdict.outcome, Outcome::kPass);
  EXPECT_TRUE(r.verdict.infra_errors.empty());
  EXPECT_EQ(r.verdict.notes, world_.console_notes);
  EXPECT_EQ(recorder_.verdict.notes, world_.console_notes);  // into result.json
}

TEST_F(RunTest, BoardFailureIsExitOne) {
  RunResult r = Run(Fault::kNone, {"BootROM\r\n", "PANIC\r\n", "more\r\n"});
  EXPECT_EQ(r.exit_code, kExitBoardFailed);
  EXPECT_EQ(r.verdict.outcome, Outcome::kFail);
  EXPECT_EQ(r.verdict.failed_stage, "bl31");
  EXPECT_FALSE(world_.power_on);
  EXPECT_EQ(world_.mux, MuxSide::kHost);
  EXPECT_EQ(recorder_.log, "BootROM\r\nPANIC\r\nmore\r\n");  // bytes after the verdict too
}

TEST_F(RunTest, SilentBoardTimesOutAsFailure) {
  RunResult r = Run(Fault::kNone, {"BootROM\r\n"});
  EXPECT_EQ(r.exit_code, kExitBoardFailed);
  EXPECT_EQ(r.verdict.failed_stage, "uboot");
  EXPECT_FALSE(world_.power_on);
}

TEST_F(RunTest, PowerOnWaitsForTheOffTime) {
  board_.power.off_time = seconds(3);
  lab_.image.reset();  // no flashing: off then on at once would skip the drain
  Run(Fault::kNone);
  ASSERT_GE(world_.power_on_at.count(), 0);
  EXPECT_GE(world_.power_on_at, Nanos(seconds(3)));
}

struct FaultCase {
  Fault fault;
  const char* step;
  int exit_code;
};
void PrintTo(const FaultCase& c, std::ostream* os) {
  *os << "fault " << static_cast<int>(c.fault) << " at " << c.step;
}

class RunFaultTest : public RunTest, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(RunFaultTest, LeavesPowerOffMuxHostAndSaysWhere) {
  const FaultCase& c = GetParam();
  RunResult r = Run(c.fault);
  EXPECT_EQ(r.exit_code, c.exit_code) << r.verdict.reason;
  EXPECT_EQ(r.verdict.outcome, Outcome::kError);
  EXPECT_EQ(r.stopped_at, c.step) << r.verdict.reason;
  EXPECT_EQ(r.verdict.failed_stage, c.step);
  EXPECT_FALSE(r.verdict.reason.empty());
  EXPECT_FALSE(r.verdict.infra_errors.empty());
  EXPECT_FALSE(world_.power_on) << "board left powered";
  EXPECT_EQ(world_.mux, MuxSide::kHost) << "card left on the board";
  ASSERT_TRUE(recorder_.finished) << "result.json not written";
  EXPECT_EQ(recorder_.verdict.outcome, Outcome::kError);
  // Every byte the board sent before the run stopped reached console.log.
  std::string sent;
  if (world_.power_on_at.count() >= 0) for (const auto& l : kGoodBoot) sent += l;
  EXPECT_EQ(recorder_.log, sent);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, RunFaultTest,
    ::testing::Values(FaultCase{Fault::kServiceStart, "services", kExitLabFailed},
                      FaultCase{Fault::kBuild, "build", kExitLabFailed},
                      FaultCase{Fault::kCancelInBuild, "build", kExitLabFailed},
                      FaultCase{Fault::kImage, "image", kExitLabFailed},
                      FaultCase{Fault::kBadLayout, "image", kExitBadInput},
                      FaultCase{Fault::kFirstPowerOff, "power", kExitLabFailed},
                      FaultCase{Fault::kMuxHost, "mux", kExitLabFailed},
                      FaultCase{Fault::kBlockDevice, "block-device", kExitLabFailed},
                      FaultCase{Fault::kFlash, "flash", kExitLabFailed},
                      FaultCase{Fault::kFlashThrows, "flash", kExitLabFailed},
                      FaultCase{Fault::kMuxDut, "mux", kExitLabFailed},
                      FaultCase{Fault::kChecker, "checker", kExitBadInput},
                      FaultCase{Fault::kConsoleStart, "console", kExitLabFailed},
                      FaultCase{Fault::kPowerOn, "power", kExitLabFailed},
                      FaultCase{Fault::kConsoleDies, "console", kExitLabFailed},
                      FaultCase{Fault::kServiceDies, "services", kExitLabFailed},
                      FaultCase{Fault::kTypeFails, "console", kExitLabFailed},
                      FaultCase{Fault::kCancelMidBoot, "boot", kExitLabFailed}));

TEST_F(RunTest, CancelIsNoticedWithinAPollAndNamesTheSignal) {
  RunResult r = Run(Fault::kCancelMidBoot);
  EXPECT_NE(r.verdict.reason.find("cancelled"), std::string::npos) << r.verdict.reason;
  // Cancelled right after the BL2 line (200 ms): stopped before the next.
  EXPECT_LT(world_.clock.Now() - world_.power_on_at, Nanos(milliseconds(300)));
}

TEST_F(RunTest, CleanupFailureTurnsAPassIntoALabError) {
  class OffFails : public FakePower {
   public:
    using FakePower::FakePower;
    Status Off() override {
      if (++n > 2) return Status::LabFailure("relay gone");
      return FakePower::Off();
    }
    int n = 0;
  };
  world_.fault = Fault::kNone;
  OffFails power(&world_);
  FakeMux mux(&world_);
  FakeSteps steps(&world_, kGoodBoot);
  RunRequest req;
  req.lab = &lab_;
  req.board = &board_;
  req.suite = &suite_;
  req.run_dir = dir_.string();
  RunDeps deps{&world_.clock, &power, &mux, &steps, &recorder_, nullptr};
  RunResult r = ExecuteRun(req, deps);
  EXPECT_EQ(r.exit_code, kExitLabFailed);
  EXPECT_EQ(r.verdict.outcome, Outcome::kError);
  EXPECT_NE(r.verdict.reason.find("relay gone"), std::string::npos) << r.verdict.reason;
  EXPECT_EQ(world_.mux, MuxSide::kDut) << "the mux must not move under a powered board";
}

TEST_F(RunTest, AfterAHolderDiedTheBoardIsMadeSafeBeforeTheBuild) {
  RunResult r = Run(Fault::kNone, kGoodBoot, "pid 4242 on host lab since 2024-01-01T00:00:00Z");
  EXPECT_EQ(r.exit_code, kExitPass) << r.verdict.reason;
  ASSERT_GE(world_.events.size(), 3u);
  EXPECT_EQ(world_.events[0], "power off");
  EXPECT_EQ(world_.events[1], "mux host");
  EXPECT_EQ(world_.events[2], "build fw");
}

TEST_F(RunTest, AConsoleGapMakesNeitherPassNorFailTrustworthy) {
  world_.gaps = {"no console from 0.250 s to 0.400 s: closed by the other end"};
  RunResult r = Run(Fault::kNone);
  EXPECT_EQ(r.exit_code, kExitLabFailed);
  EXPECT_EQ(r.verdict.outcome, Outcome::kError);
  EXPECT_EQ(r.verdict.failed_stage, "console");
  EXPECT_NE(r.verdict.reason.find("'pass' cannot be trusted"), std::string::npos) << r.verdict.reason;
  EXPECT_FALSE(world_.power_on);
  EXPECT_EQ(world_.mux, MuxSide::kHost);
}

TEST_F(RunTest, ASignalDuringCleanupFinishesTheCleanupAndIsAnError) {
  world_.cancel_at_cleanup = true;
  RunResult r = Run(Fault::kNone);
  EXPECT_EQ(r.exit_code, kExitLabFailed);
  EXPECT_EQ(r.verdict.outcome, Outcome::kError);
  EXPECT_EQ(r.stopped_at, "cleanup");
  EXPECT_NE(r.verdict.reason.find("had ended: pass"), std::string::npos) << r.verdict.reason;
  EXPECT_FALSE(world_.power_on);
  EXPECT_EQ(world_.mux, MuxSide::kHost) << "the cleanup must not stop half-way";
}

}  // namespace
}  // namespace hilt
