// Loads a suite (suite.h) from YAML and checks everything that can be
// checked before a board is touched: the schema, every regex (RE2, bounded
// memory), every fact check against the facts the stages capture, names and
// durations. Every mistake is InvalidInput "file:line:column: message"; when
// a file has several, the message holds one such line for each (up to 20).
// The schema is documented for users in docs/suites.md.
#ifndef HILT_CORE_SUITE_LOADER_H_
#define HILT_CORE_SUITE_LOADER_H_

#include <string>

#include "harness/core/status.h"
#include "harness/core/suite.h"

namespace hilt {

// NotFound if `path` cannot be read.
StatusOr<Suite> LoadSuiteFile(const std::string& path);
// `name` stands for the file in messages and in Suite::file.
StatusOr<Suite> LoadSuiteString(const std::string& yaml, const std::string& name);

}  // namespace hilt

#endif  // HILT_CORE_SUITE_LOADER_H_
