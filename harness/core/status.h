// Status and StatusOr: the result of every operation that can fail.
//
// As in leveldb, errors are values, not exceptions, so every failure path is
// visible at the call site and testable. The code says which class of failure
// it is, because that class decides hilt's exit code (see exit_code.h): a
// mistake in what the user gave us, a fault of the lab, or a cancelled run.
#ifndef HILT_CORE_STATUS_H_
#define HILT_CORE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hilt {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidInput,  // bad usage, suite, lab config, layout or image: exit 2
    kNotFound,      // a named file or device does not exist: exit 2
    kLabFailure,    // build, power, mux, console, flash failed: exit 3
    kTimeout,       // a lab step took longer than allowed: exit 3
    kCancelled,     // SIGINT/SIGTERM: exit 3
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string msg) { return Status(Code::kInvalidInput, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status LabFailure(std::string msg) { return Status(Code::kLabFailure, std::move(msg)); }
  static Status Timeout(std::string msg) { return Status(Code::kTimeout, std::move(msg)); }
  static Status Cancelled(std::string msg) { return Status(Code::kCancelled, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "prefix: message", keeping the code. For adding where an error happened.
  Status Prefixed(std::string_view prefix) const;
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "StatusOr needs a value or an error");
  }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace hilt

// Returns from the enclosing function if `expr` is an error Status.
#define HILT_RETURN_IF_ERROR(expr)                 \
  do {                                             \
    ::hilt::Status hilt_status_ = (expr);          \
    if (!hilt_status_.ok()) return hilt_status_;   \
  } while (0)

#endif  // HILT_CORE_STATUS_H_
