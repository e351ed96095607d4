// Expands ${VAR} and ${VAR:-default} in lab config strings. A lab config is
// trusted and written per lab, so it names paths and devices through the
// environment; an unset variable without a default is an error naming it,
// never a silent empty string that would turn "${DEV}" into "".
#ifndef HILT_RUNNER_ENV_EXPAND_H_
#define HILT_RUNNER_ENV_EXPAND_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace hilt {

// Looks a variable up; nullopt when it is unset.
using VarLookup = std::function<std::optional<std::string>(const std::string&)>;

// Built-ins first (LAB_DIR, STATE_DIR, ...), then the process environment.
VarLookup MakeVarLookup(const std::map<std::string, std::string>* builtins);

// Expands every "${NAME}" and "${NAME:-default}" (the default may itself
// hold ${...}); "$$" is a literal '$'; a '$' not followed by '{' or '$' is
// kept as is, so shell lines like `echo $1` pass through. InvalidInput for
// an unset variable without a default, an unclosed "${" or a bad name.
StatusOr<std::string> ExpandVars(std::string_view text, const VarLookup& lookup);

// Prepares a lab command for `/bin/sh -c` so that no variable's value is
// ever parsed as shell syntax: values from the environment (patch lists,
// paths from a CI job) are data. The text is checked as ExpandVars does
// (same errors), "$$" becomes '$', and every variable it names that is set
// is assigned in front as a single-quoted literal (`NAME='value'; `); the
// references themselves are left for the shell, whose ${NAME} and
// ${NAME:-default} mean the same as ours. So `a;b`, `$(cmd)`, backticks,
// quotes and newlines in a value reach the command as bytes. A reference
// inside single quotes is wrapped as '"${NAME}"' to keep its value there.
StatusOr<std::string> ExpandForShell(std::string_view text, const VarLookup& lookup);

// `value` as one single-quoted shell word: 'it'\''s'.
std::string ShellQuote(std::string_view value);

}  // namespace hilt

#endif  // HILT_RUNNER_ENV_EXPAND_H_
