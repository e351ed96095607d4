#include "harness/runner/env_expand.h"

#include <cctype>
#include <cstdlib>
#include <set>

namespace hilt {
namespace {

bool IsNameChar(char c, bool first) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Finds the '}' closing the "${" whose body starts at `from`, skipping nested
// "${...}" in defaults. npos when unclosed.
size_t FindClose(std::string_view text, size_t from) {
  int depth = 1;
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

StatusOr<std::string> Expand(std::string_view text, const VarLookup& lookup, int depth) {
  if (depth > 8) return Status::InvalidInput("${...} nested too deeply");
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size() || (text[i + 1] != '{' && text[i + 1] != '$')) {
      out += c;
      continue;
    }
    if (text[i + 1] == '$') {  // "$$": a literal '$'
      out += '$';
      ++i;
      continue;
    }
    size_t body = i + 2;
    size_t close = FindClose(text, body);
    if (close == std::string_view::npos) {
      return Status::InvalidInput("unclosed '${' in '" + std::string(text) + "'");
    }
    std::string_view inner = text.substr(body, close - body);
    size_t n = 0;
    while (n < inner.size() && IsNameChar(inner[n], n == 0)) ++n;
    std::string name(inner.substr(0, n));
    std::string_view rest = inner.substr(n);
    if (name.empty() || (!rest.empty() && rest.substr(0, 2) != ":-")) {
      return Status::InvalidInput("bad variable reference '${" + std::string(inner) +
                                  "}' (write ${NAME} or ${NAME:-default})");
    }
    std::optional<std::string> value = lookup(name);
    if (value && !(value->empty() && !rest.empty())) {
      out += *value;  // like sh, ":-" also replaces a set but empty variable
    } else if (!rest.empty()) {
      auto def = Expand(rest.substr(2), lookup, depth + 1);
      if (!def.ok()) return def.status();
      out += *def;
    } else {
      return Status::InvalidInput("variable " + name +
                                  " is not set (set it in the environment, or write ${" + name +
                                  ":-default})");
    }
    i = close;
  }
  return out;
}

// Collects the names that "${...}" references in `text` use, defaults
// included (they may nest). `text` has passed Expand, so it is well formed.
void CollectNames(std::string_view text, std::set<std::string>* names) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '$') continue;
    if (text[i + 1] == '$') {
      ++i;
      continue;
    }
    if (text[i + 1] != '{') continue;
    size_t n = i + 2;
    while (n < text.size() && IsNameChar(text[n], n == i + 2)) ++n;
    if (n > i + 2) names->insert(std::string(text.substr(i + 2, n - i - 2)));
    i = n - 1;  // a default's own references are found as the scan goes on
  }
}

// Where a shell would be at a point of a command line: outside quotes, in
// '...', or in "...". A plain scan (no $(...) or here-document nesting):
// when it guesses wrong, a value lands with the wrong quotes around it, but
// since values travel as variables it is still never executed.
enum class Quoting { kNone, kSingle, kDouble };

}  // namespace

std::string ShellQuote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

StatusOr<std::string> ExpandForShell(std::string_view text, const VarLookup& lookup) {
  // The same errors as for any other string of the config.
  auto checked = Expand(text, lookup, 0);
  if (!checked.ok()) return checked.status();

  std::set<std::string> names;
  std::string body;
  body.reserve(text.size());
  Quoting q = Quoting::kNone;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      body += '$';
      ++i;
      continue;
    }
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = FindClose(text, i + 2);
      // Expand saw the same "${" (both scans skip "$$" alike) and found its
      // end; checked again so that no input can walk past the text.
      if (close == std::string_view::npos) return Status::InvalidInput("unclosed '${'");
      std::string_view ref = text.substr(i, close + 1 - i);
      CollectNames(ref, &names);
      if (q == Quoting::kSingle) {
        body += "'\"" + std::string(ref) + "\"'";
      } else {
        body += ref;
      }
      i = close;
      continue;
    }
    body += c;
    if (q == Quoting::kSingle) {
      if (c == '\'') q = Quoting::kNone;
    } else if (c == '\\' && i + 1 < text.size() && text[i + 1] != '$') {
      body += text[++i];  // "\$" is left to the '$' branch: it scans "$$" and "${" as Expand does
    } else if (q == Quoting::kDouble) {
      if (c == '"') q = Quoting::kNone;
    } else if (c == '\'') {
      q = Quoting::kSingle;
    } else if (c == '"') {
      q = Quoting::kDouble;
    } else if (c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1])))) {
      size_t end = text.find('\n', i);  // a comment: quotes in it mean nothing
      if (end == std::string_view::npos) end = text.size();
      body += text.substr(i + 1, end - i - 1);
      i = end - 1;
    }
  }

  std::string prefix;
  for (const std::string& name : names) {
    std::optional<std::string> value = lookup(name);
    if (value) prefix += name + "=" + ShellQuote(*value) + "; ";
  }
  return prefix + body;
}

VarLookup MakeVarLookup(const std::map<std::string, std::string>* builtins) {
  return [builtins](const std::string& name) -> std::optional<std::string> {
    if (builtins) {
      auto it = builtins->find(name);
      if (it != builtins->end()) return it->second;
    }
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

StatusOr<std::string> ExpandVars(std::string_view text, const VarLookup& lookup) {
  return Expand(text, lookup, 0);
}

}  // namespace hilt
