// Where a value came from in a YAML file, for "file:line:column: message".
#ifndef HILT_CORE_SOURCE_LOCATION_H_
#define HILT_CORE_SOURCE_LOCATION_H_

#include <string>

namespace hilt {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown

  // "file:line:column", or just "file" when the position is unknown.
  std::string ToString() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

}  // namespace hilt

#endif  // HILT_CORE_SOURCE_LOCATION_H_
