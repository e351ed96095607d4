#include "harness/core/yaml_doc.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ParseDurationTest, Units) {
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("5s"), seconds(5));
  EXPECT_EQ(*ParseDuration("2m"), seconds(120));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration("1h"), seconds(3600));
  EXPECT_EQ(*ParseDuration("250us"), std::chrono::microseconds(250));
}

TEST(ParseDurationTest, RejectsMissingOrBadUnits) {
  EXPECT_FALSE(ParseDuration("5").ok());
  EXPECT_FALSE(ParseDuration("s").ok());
  EXPECT_FALSE(ParseDuration("5 parsecs").ok());
  EXPECT_FALSE(ParseDuration("1.2.3s").ok());
  EXPECT_FALSE(ParseDuration("-5s").ok());
  EXPECT_FALSE(ParseDuration("9999999h").ok());
}

TEST(YamlDocTest, SyntaxErrorHasPosition) {
  auto doc = YamlDoc::LoadString("a: [1, 2\nb: 3\n", "x.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(doc.status().message().find("x.yaml:"), std::string::npos) << doc.status().message();
}

TEST(YamlDocTest, UnknownAndDuplicateKeysPointAtTheKey) {
  auto doc = YamlDoc::LoadString("name: a\ncolour: red\n", "s.yaml");
  ASSERT_TRUE(doc.ok());
  Status s = doc->CheckMap(doc->root(), "suite", {"name"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "s.yaml:2:1: unknown key 'colour' in suite (allowed: name)");

  auto dup = YamlDoc::LoadString("name: a\nname: b\n", "d.yaml");
  ASSERT_TRUE(dup.ok());
  s = dup->CheckMap(dup->root(), "suite", {"name"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "d.yaml:2:1: duplicate key 'name' in suite");
}

TEST(YamlDocTest, TypedScalars) {
  auto doc = YamlDoc::LoadString("t: 5s\nn: 0x10\nb: yes\nl: [1]\nbad: 5\n", "t.yaml");
  ASSERT_TRUE(doc.ok());
  const YAML::Node& r = doc->root();
  EXPECT_EQ(*doc->Duration(r["t"], "timeout"), seconds(5));
  EXPECT_EQ(*doc->Unsigned(r["n"], "n"), 16u);
  EXPECT_TRUE(*doc->Bool(r["b"], "b"));
  auto l = doc->String(r["l"], "name");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().message(), "t.yaml:4:4: name must be a string, not a list");
  auto bad = doc->Duration(r["bad"], "timeout");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("t.yaml:5:6: timeout:"), std::string::npos);
}

TEST(YamlDocTest, MissingFileIsNotFound) {
  auto doc = YamlDoc::LoadFile("/nonexistent/suite.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace hilt
