#include "harness/core/status.h"

namespace hilt {

Status Status::Prefixed(std::string_view prefix) const {
  if (ok()) return *this;
  return Status(code_, std::string(prefix) + ": " + message_);
}

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidInput: return "invalid input: " + message_;
    case Code::kNotFound: return "not found: " + message_;
    case Code::kLabFailure: return "lab failure: " + message_;
    case Code::kTimeout: return "timeout: " + message_;
    case Code::kCancelled: return "cancelled: " + message_;
  }
  return message_;
}

}  // namespace hilt
