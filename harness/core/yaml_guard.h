// The YAML a suite may use: plain maps, lists and scalars in one document.
// A suite comes with the patch under test, so its YAML gets none of the
// features that let a file mean more than it shows: tags (`!include`,
// `!!python/object`, `!!binary`; hilt gives no tag a meaning, so one that
// seems to work would be a lie), anchors and aliases (`&a`/`*a`: a few lines
// that expand into gigabytes for whoever walks the tree, "billion laughs"),
// and a second document (after `---`), which the loader would ignore.
#ifndef HILT_CORE_YAML_GUARD_H_
#define HILT_CORE_YAML_GUARD_H_

#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace hilt {

// InvalidInput "file:line:column: message" for the first such feature in
// `text`; Ok otherwise, and for YAML that does not parse (the loader reports
// syntax errors itself). `what` names the kind of file ("a suite").
Status CheckPlainYaml(std::string_view text, const std::string& file, std::string_view what);

}  // namespace hilt

#endif  // HILT_CORE_YAML_GUARD_H_
