#include "harness/core/result_json.h"

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "harness/core/atomic_file.h"

namespace hilt {

namespace {

using nlohmann::json;

// Seconds rounded to the microsecond, so 0.41 prints as 0.41.
json SecondsOrNull(const std::optional<Nanos>& t) {
  if (!t) return nullptr;
  return std::round(ToSeconds(*t) * 1e6) / 1e6;
}

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

std::string ResultJson(const Verdict& verdict, std::string_view suite_name) {
  // An untimed replay has no times: null, not a misleading 0.
  auto Seconds = [&](const std::optional<Nanos>& t) {
    return verdict.timed ? SecondsOrNull(t) : json(nullptr);
  };
  json stages = json::array();
  for (const StageResult& s : verdict.stages) {
    stages.push_back({{"name", s.name},
                      {"status", StageStatusName(s.status)},
                      {"t", Seconds(s.t)},
                      {"duration", Seconds(s.duration)},
                      {"budget", SecondsOrNull(s.budget)},
                      {"line", s.line},
                      {"reason", s.reason}});
  }
  json tests = json::array();
  for (const TestResult& t : verdict.tests) {
    tests.push_back({{"name", t.name},
                     {"send", t.send},
                     {"status", StageStatusName(t.status)},
                     {"t", Seconds(t.t)},
                     {"duration", Seconds(t.duration)},
                     {"output", t.output},
                     {"reason", t.reason}});
  }
  json facts = json::object();
  for (const auto& [name, value] : verdict.facts) facts[name] = value;

  json result = {{"verdict", OutcomeName(verdict.outcome)},
                 {"failed_stage", OrNull(verdict.failed_stage)},
                 {"reason", verdict.reason},
                 {"suite", std::string(suite_name)},
                 {"timed", verdict.timed},
                 {"total", Seconds(verdict.total)},
                 {"stages", std::move(stages)},
                 {"tests", std::move(tests)},
                 {"facts", std::move(facts)},
                 {"infra_errors", verdict.infra_errors},
                 {"notes", verdict.notes}};
  // nlohmann throws on invalid UTF-8 by default; the board decides what bytes
  // we hold, so replace them with U+FFFD instead.
  return result.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Status WriteResultJson(const std::string& path, const Verdict& verdict,
                       std::string_view suite_name) {
  return WriteFileAtomically(path, ResultJson(verdict, suite_name));
}

}  // namespace hilt
