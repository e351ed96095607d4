#include "harness/core/junit_xml.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;

Verdict Sample() {
  Verdict v;
  v.outcome = Outcome::kFail;
  v.failed_stage = "bl31";
  v.reason = "end of log before stage bl31";
  v.stages.push_back({"bootrom", StageStatus::kPass, milliseconds(410), std::nullopt,
                      milliseconds(410), "Jump to BL", ""});
  v.stages.push_back({"bl31", StageStatus::kFail, std::nullopt, std::nullopt, std::nullopt, "",
                      v.reason});
  v.stages.push_back({"prompt", StageStatus::kNotReached, std::nullopt, std::nullopt,
                      std::nullopt, "", ""});
  v.tests.push_back({"version", "version", StageStatus::kNotReached, std::nullopt, std::nullopt,
                     "", ""});
  v.facts["tfa_version"] = "2.10.0";
  v.total = milliseconds(2500);
  return v;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(JunitXmlTest, EscapesMarkupAndForbiddenCharacters) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape(std::string("\x00\x1b\x7f\t\n", 5)), "\\x00\\x1B\x7f&#9;&#10;");
  EXPECT_EQ(XmlEscape("\xff\xc3("), "\xEF\xBF\xBD\xEF\xBF\xBD(");
  EXPECT_EQ(XmlEscape("\xef\xbf\xbe"), "\\x{FFFE}");
  EXPECT_EQ(XmlEscape("\xe2\x82\xac"), "\xe2\x82\xac");
}

TEST(JunitXmlTest, OneTestcasePerStageAndTest) {
  std::string xml = JunitXml(Sample(), "bpi-r4-sd-boot");
  EXPECT_TRUE(Contains(xml, "tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"2\" time=\"2.500000\""));
  EXPECT_TRUE(Contains(xml, "<testcase classname=\"bpi-r4-sd-boot.stages\" name=\"bootrom\" time=\"0.410000\"/>"));
  EXPECT_TRUE(Contains(xml, "<failure message=\"end of log before stage bl31\" type=\"failure\">"));
  EXPECT_TRUE(Contains(xml, "name=\"prompt\" time=\"0.000000\">\n      <skipped"));
  EXPECT_TRUE(Contains(xml, "<testcase classname=\"bpi-r4-sd-boot.tests\" name=\"version\""));
  EXPECT_TRUE(Contains(xml, "<property name=\"tfa_version\" value=\"2.10.0\"/>"));
}

TEST(JunitXmlTest, LabFailuresAreErrors) {
  Verdict v;
  v.outcome = Outcome::kError;
  v.reason = "power switch: gpiochip0 line 17 busy";
  v.infra_errors.push_back(v.reason);
  std::string xml = JunitXml(v, "s");
  EXPECT_TRUE(Contains(xml, "errors=\"1\""));
  EXPECT_TRUE(Contains(xml, "<error message=\"power switch: gpiochip0 line 17 busy\" type=\"error\">"));
}

// The referee: xmllint must accept what we write for hostile bytes.
TEST(JunitXmlTest, WellFormedForAnyBytesPerXmllint) {
  if (std::system("xmllint --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no xmllint";
  std::string hostile;
  for (int c = 0; c < 256; ++c) hostile += static_cast<char>(c);
  hostile += "]]><!-- &#0; \xed\xa0\x80\xef\xbf\xbf\xf4\x90\x80\x80";
  Verdict v = Sample();
  v.reason = hostile;
  v.stages[1].reason = hostile;
  v.stages[1].line = hostile;
  v.stages[1].name = hostile;
  v.facts[hostile] = hostile;
  v.tests[0].status = StageStatus::kFail;
  v.tests[0].output = hostile;
  v.infra_errors.push_back(hostile);
  auto path = std::filesystem::temp_directory_path() /
              ("hilt_junit_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".xml");
  { std::ofstream(path, std::ios::binary) << JunitXml(v, hostile); }
  int rc = std::system(("xmllint --noout '" + path.string() + "'").c_str());
  std::filesystem::remove(path);
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace hilt
