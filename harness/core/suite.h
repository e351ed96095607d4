// The suite model: what a board must print, in which order, how fast, and
// what it must answer at its prompt. Built by suite_loader.h from YAML that
// comes with the patch under test, so it is untrusted: a suite can only send
// text to the console and match text, never run anything.
#ifndef HILT_CORE_SUITE_H_
#define HILT_CORE_SUITE_H_

#include <optional>
#include <string>
#include <vector>

#include "harness/core/source_location.h"
#include "harness/core/timestamp.h"

namespace hilt {

// An RE2 regular expression as written in the suite, with where it was written.
struct Pattern {
  std::string regex;
  SourceLocation where;
};

// A check on captured facts, e.g. `dram_mb >= 4096` or
// `uboot_banner == build.uboot_banner`. Numbers compare as numbers when both
// sides parse as numbers, otherwise as strings.
struct FactCheck {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  std::string fact;   // left-hand side: a fact name
  Op op = Op::kEq;
  // Right-hand side: a literal (number or quoted string) or a fact name.
  std::string operand;
  bool operand_is_fact = false;
  // A quoted literal ('2024.10') always compares as a string, so that a
  // version never equals "2024.1" by numeric accident.
  bool operand_is_string = false;
  std::string text;   // as written, for messages
  SourceLocation where;
};

// Sends `send` once when `on` matches while its stage is awaited, e.g. a
// Ctrl-C to stop U-Boot's autoboot before the prompt.
struct Interrupt {
  Pattern on;
  std::string send;
};

struct Stage {
  std::string name;
  Pattern expect;               // named groups become facts
  std::optional<Nanos> within;  // budget, from the previous stage (or origin)
  std::vector<FactCheck> checks;
  std::optional<Interrupt> interrupt;
  SourceLocation where;
};

// A command typed at the prompt (the last stage's match) and what its output,
// up to the next prompt, must and must not contain.
struct PromptTest {
  std::string name;
  std::string send;                // typed, then a newline
  std::optional<Pattern> expect;   // must appear in the output
  std::vector<Pattern> fail;       // must not appear in the output
  Nanos timeout{std::chrono::seconds(10)};  // from sending to the next prompt
  SourceLocation where;
};

struct Suite {
  std::string name;
  std::string file;                        // the YAML file it came from
  Nanos timeout{std::chrono::seconds(60)}; // the whole run
  std::vector<Pattern> fail;               // any match fails the run at once
  // A second match of any of these before the last stage is a reset loop.
  std::vector<Pattern> repeat_fails;
  std::vector<Stage> stages;               // ordered; the last is the prompt
  std::vector<PromptTest> tests;           // run in order at the prompt
};

}  // namespace hilt

#endif  // HILT_CORE_SUITE_H_
