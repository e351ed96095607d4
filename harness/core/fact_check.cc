#include "harness/core/fact_check.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>

namespace hilt {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// A parsed number. Integers (decimal or hex) compare exactly by sign and
// magnitude, so 64-bit addresses keep every bit; anything with a fraction
// compares as long double.
struct Number {
  bool is_integer = false;
  bool negative = false;
  uint64_t magnitude = 0;
  long double value = 0;
};

std::optional<Number> ParseNumber(std::string_view s) {
  Number n;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) n.negative = s[i++] == '-';
  std::string_view body = s.substr(i);
  if (body.empty()) return std::nullopt;
  std::string text(body);  // strto* need a terminated string
  errno = 0;
  bool hex = body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  if (hex) {
    for (char c : body.substr(2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    n.is_integer = true;
    n.magnitude = std::strtoull(text.c_str() + 2, nullptr, 16);
  } else {
    size_t digits = 0, dots = 0;
    for (char c : body) {
      if (std::isdigit(static_cast<unsigned char>(c))) ++digits;
      else if (c == '.') ++dots;
      else return std::nullopt;  // no exponents, no "inf", no "nan"
    }
    if (digits == 0 || dots > 1) return std::nullopt;
    n.is_integer = dots == 0;
    if (n.is_integer) n.magnitude = std::strtoull(text.c_str(), nullptr, 10);
  }
  // Beyond 64 bits: compare approximately as floating point.
  if (errno == ERANGE) n.is_integer = false;
  n.value = hex ? static_cast<long double>(n.magnitude) : std::strtold(text.c_str(), nullptr);
  if (n.negative) n.value = -n.value;
  if (n.is_integer && n.magnitude == 0) n.negative = false;  // -0 == 0
  return n;
}

// <0, 0, >0 like strcmp.
int CompareNumbers(const Number& a, const Number& b) {
  if (a.is_integer && b.is_integer) {
    if (a.negative != b.negative) return a.negative ? -1 : 1;
    int sign = a.negative ? -1 : 1;
    if (a.magnitude == b.magnitude) return 0;
    return a.magnitude < b.magnitude ? -sign : sign;
  }
  if (a.value == b.value) return 0;
  return a.value < b.value ? -1 : 1;
}

bool Holds(FactCheck::Op op, int cmp) {
  switch (op) {
    case FactCheck::Op::kEq: return cmp == 0;
    case FactCheck::Op::kNe: return cmp != 0;
    case FactCheck::Op::kLt: return cmp < 0;
    case FactCheck::Op::kLe: return cmp <= 0;
    case FactCheck::Op::kGt: return cmp > 0;
    case FactCheck::Op::kGe: return cmp >= 0;
  }
  return false;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

bool IsFactName(std::string_view name) {
  if (name.empty()) return false;
  bool at_start = true;
  for (char c : name) {
    if (at_start) {
      if (!IsIdentStart(c)) return false;
      at_start = false;
    } else if (c == '.') {
      at_start = true;
    } else if (!IsIdentChar(c)) {
      return false;
    }
  }
  return !at_start;
}

StatusOr<FactCheck> ParseFactCheck(std::string_view text) {
  FactCheck check;
  check.text = std::string(text);
  auto bad = [&](const std::string& why) {
    return Status::InvalidInput("check '" + std::string(text) + "': " + why +
                                " (write e.g. 'dram_mb >= 4096' or \"uboot_version == '2024.04'\")");
  };
  size_t i = 0;
  auto skip_space = [&] { while (i < text.size() && IsSpace(text[i])) ++i; };

  skip_space();
  size_t start = i;
  while (i < text.size() && (IsIdentChar(text[i]) || text[i] == '.')) ++i;
  check.fact = std::string(text.substr(start, i - start));
  if (check.fact.empty()) return bad("it must start with a fact name");
  if (!IsFactName(check.fact)) return bad("'" + check.fact + "' is not a fact name");

  skip_space();
  static constexpr std::pair<std::string_view, FactCheck::Op> kOps[] = {
      {"==", FactCheck::Op::kEq}, {"!=", FactCheck::Op::kNe}, {"<=", FactCheck::Op::kLe},
      {">=", FactCheck::Op::kGe}, {"<", FactCheck::Op::kLt},  {">", FactCheck::Op::kGt}};
  bool found = false;
  for (const auto& [spelling, op] : kOps) {
    if (text.substr(i, spelling.size()) == spelling) {
      check.op = op;
      i += spelling.size();
      found = true;
      break;
    }
  }
  if (!found) {
    if (text.substr(i, 1) == "=") return bad("'=' is not an operator, use '=='");
    return bad("expected an operator (== != < <= > >=) after '" + check.fact + "'");
  }

  skip_space();
  if (i >= text.size()) return bad("nothing after the operator");
  char c = text[i];
  if (c == '\'' || c == '"') {
    char quote = c;
    ++i;
    bool closed = false;
    while (i < text.size()) {
      char d = text[i++];
      if (d == '\\' && i < text.size() && (text[i] == quote || text[i] == '\\')) {
        check.operand += text[i++];
      } else if (d == quote) {
        closed = true;
        break;
      } else {
        check.operand += d;
      }
    }
    if (!closed) return bad(std::string("unterminated string, missing closing ") + quote);
    check.operand_is_string = true;
  } else if (IsIdentStart(c)) {
    start = i;
    while (i < text.size() && (IsIdentChar(text[i]) || text[i] == '.')) ++i;
    check.operand = std::string(text.substr(start, i - start));
    if (!IsFactName(check.operand)) return bad("'" + check.operand + "' is not a fact name");
    check.operand_is_fact = true;
  } else {
    start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    check.operand = std::string(text.substr(start, i - start));
    if (!ParseNumber(check.operand)) {
      return bad("'" + check.operand + "' is not a number, a quoted string or a fact name");
    }
  }
  skip_space();
  if (i != text.size()) return bad("unexpected '" + std::string(text.substr(i)) + "' at the end");
  return check;
}

CheckOutcome EvaluateFactCheck(const FactCheck& check,
                               const std::map<std::string, std::string>& facts) {
  auto lookup = [&](const std::string& name) -> const std::string* {
    auto it = facts.find(name);
    return it == facts.end() ? nullptr : &it->second;
  };
  CheckOutcome out;
  const std::string* left = lookup(check.fact);
  const std::string* right = check.operand_is_fact ? lookup(check.operand) : &check.operand;
  std::string missing;
  if (!left) missing = check.fact;
  if (!right) missing += (missing.empty() ? "" : " and ") + check.operand;
  if (!missing.empty()) {
    out.message = check.text + " failed: " + missing + " was never captured" +
                  (missing.rfind("build.", 0) == 0 ? " (not supplied by the build)" : "");
    return out;
  }

  std::optional<Number> a, b;
  if (!check.operand_is_string) {
    a = ParseNumber(*left);
    b = ParseNumber(*right);
  }
  bool numeric = a && b;
  int cmp = numeric ? CompareNumbers(*a, *b) : left->compare(*right);
  out.passed = Holds(check.op, cmp);

  // Numbers read as written; strings are quoted so that spaces show.
  auto shown = [&](const std::string& v) { return numeric ? v : Quoted(v); };
  out.message = check.text + (out.passed ? " passed: " : " failed: ") + check.fact + " is " +
                shown(*left);
  if (check.operand_is_fact) out.message += ", " + check.operand + " is " + shown(*right);
  return out;
}

}  // namespace hilt
