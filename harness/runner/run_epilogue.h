// What follows a run once its result.json is written: the run goes into the
// lab's history (regression flags added to result.json as "regressions")
// and report.html is written with those flags. Nothing here can lose the
// run: a history that cannot be written (corrupt, locked, read-only)
// becomes a warning in result.json ("warnings") and on the caller's stream,
// and the verdict and exit code stay as they were.
#ifndef HILT_RUNNER_RUN_EPILOGUE_H_
#define HILT_RUNNER_RUN_EPILOGUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/regression.h"
#include "harness/core/verdict.h"
#include "harness/runner/regression_detect.h"

namespace hilt {

struct EpilogueOptions {
  std::string history_db;      // empty: no history
  RegressionPolicy policy;
  std::string board;
  std::string suite;
  std::string firmware;        // the build's revision; empty when unknown
  int64_t started_at = 0;      // Unix seconds
};

struct EpilogueResult {
  Regressions regressions;
  std::vector<std::string> warnings;  // one line each, for the person watching
};

EpilogueResult FinishRunFolder(const std::string& run_dir, const Verdict& verdict,
                               const EpilogueOptions& options);

}  // namespace hilt

#endif  // HILT_RUNNER_RUN_EPILOGUE_H_
