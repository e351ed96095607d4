#include "harness/core/report_html.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/core/console_log.h"
#include "harness/core/log_text.h"

namespace hilt {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

Verdict Failed() {
  Verdict v;
  v.outcome = Outcome::kFail;
  v.failed_stage = "bl31";
  // As the checker quotes a line: PrintableExcerpt (0xFF as \xff).
  v.reason = "'" + PrintableExcerpt("ERROR: <boom> & \xC3!") + "' at 2.000s (fail pattern 'ERROR')";
  StageResult bl2{"bl2", StageStatus::kPass, milliseconds(1000), milliseconds(2000),
                  milliseconds(1000), "NOTICE:  BL2: v2.10.0", ""};
  StageResult bl31{"bl31", StageStatus::kFail, std::nullopt, std::nullopt, std::nullopt, "",
                   v.reason};
  v.stages = {bl2, bl31};
  v.facts["tfa_version"] = "2.10<script>";
  TestResult t;
  t.name = "version";
  t.send = "version";
  t.output = "</pre><img src=x>";
  v.tests = {t};
  v.total = milliseconds(2000);
  return v;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(ReportHtmlTest, VerdictFirstThenTimelineStagesFactsTestsConsole) {
  Verdict v = Failed();
  ConsoleExcerptBuilder b(v, {});
  b.Feed("NOTICE:  BL2: v2.10.0\n", milliseconds(1000));
  b.Feed("ERROR: <boom> & \xC3!\n", milliseconds(2000));
  ConsoleExcerpt c = b.Finish();
  ReportInfo info{"bpi-r4-sd-boot", "lab1-<r4>", {{"firmware", "v1\"x"}}, {}, "console.raw"};
  const std::string html = RenderReportHtml(v, info, &c);
  const size_t verdict = html.find("class=\"verdict fail\"");
  const size_t svg = html.find("<svg");
  const size_t facts = html.find("class=\"facts\"");
  const size_t tests = html.find("class=\"tests\"");
  const size_t console = html.find("<pre class=\"console\">");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, svg);
  EXPECT_LT(svg, facts);
  EXPECT_LT(facts, tests);
  EXPECT_LT(tests, console);
  EXPECT_NE(html.find("FAIL at bl31"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"marker\" id=\"stage-0\">"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"failure\">"), std::string::npos);
  EXPECT_NE(html.find("href=\"console.raw\""), std::string::npos);
  // No network: no scripts, no external references.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://www.w3.org/2000/svg") + 4, html.find("://"));
  EXPECT_EQ(Count(html, "://"), 1u);
}

TEST(ReportHtmlTest, ConsoleLineMarkupForEveryClassAndTime) {
  Verdict v = Failed();
  ConsoleExcerpt c;
  c.total_lines = 5;
  c.head = {{1, std::nullopt, "plain <a>", -1, false},
            {2, milliseconds(1500), "timed", -1, false},
            {3, std::nullopt, "bad", -1, true},
            {4, milliseconds(2250), "BL2 & co", 0, false},
            {5, std::nullopt, "both", 1, true}};
  ReportInfo info{"s", "lab", {}, {}, "console.raw"};
  const std::string html = RenderReportHtml(v, info, &c);
  const std::string want =
      "<pre class=\"console\">plain &lt;a&gt;\n"
      "<span class=\"t\">" + FormatLogTime(milliseconds(1500)) + "</span>timed\n"
      "<span class=\"failure\">bad</span>"
      "<span class=\"marker\" id=\"stage-0\"><span class=\"t\">" +
      FormatLogTime(milliseconds(2250)) + "</span><span class=\"tag\">bl2</span>BL2 &amp; co</span>"
      "<span class=\"marker failure\" id=\"stage-1\"><span class=\"tag\">bl31</span>both</span>"
      "</pre>\n";
  EXPECT_NE(html.find(want), std::string::npos) << html.substr(html.find("<pre class=\"console\">"));
}

TEST(ReportHtmlTest, EveryByteFromTheBoardAndTheNamesIsEscaped) {
  Verdict v = Failed();
  ConsoleExcerptBuilder b(v, {});
  b.Feed("<script>alert(1)</script>\x1b]0;title\x07 \xC0\xBC\n", milliseconds(5));
  ConsoleExcerpt c = b.Finish();
  ReportInfo info{"s<'>", "b\"&", {}, {}, "console.raw"};
  const std::string html = RenderReportHtml(v, info, &c);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<boom>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("s&lt;&#39;&gt;"), std::string::npos);
  EXPECT_NE(html.find("b&quot;&amp;"), std::string::npos);
  EXPECT_NE(html.find("2.10&lt;script&gt;"), std::string::npos);
  // Valid UTF-8 throughout.
  EXPECT_EQ(html.find('\xFF'), std::string::npos);
  EXPECT_EQ(html.find("\xC0\xBC"), std::string::npos);
}

TEST(ReportHtmlTest, RegressionsAndUntimedNote) {
  Verdict v = Failed();
  v.timed = false;
  ReportInfo info;
  info.suite = "s";
  Regression r;
  r.kind = "slow-stage";
  r.stage = "bl2";
  r.message = "bl2 took 3.1s, usually 1.0s";
  info.regressions.push_back(r);
  const std::string html = RenderReportHtml(v, info, nullptr);
  EXPECT_NE(html.find("<ul class=\"regressions\">"), std::string::npos);
  EXPECT_NE(html.find("bl2 took 3.1s"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Untimed log"), std::string::npos);
  EXPECT_NE(html.find("No console output was captured"), std::string::npos);
}

TEST(ReportHtmlTest, LongLogGivesASmallPage) {
  const fs::path dir = fs::temp_directory_path() / ("hilt-report-html-" + std::to_string(getpid()));
  fs::create_directories(dir);
  Verdict v = Failed();
  {
    std::ofstream f(dir / "console.log", std::ios::binary);
    ConsoleLogWriter w(&f);
    w.Append("NOTICE:  BL2: v2.10.0\n", milliseconds(1000));
    const std::string block(1 << 20, 'A');
    std::string lines;
    for (size_t i = 0; i < block.size(); i += 128) lines += block.substr(0, 127) + "\n";
    for (int i = 0; i < 16; ++i) {  // 16 MiB here; 100 MB in replay_html_test.sh
      w.Append(lines, milliseconds(1000 + i));
      ASSERT_TRUE(w.Flush().ok());
    }
    w.Append("ERROR: <boom> & \xC3!\n", milliseconds(2000));
    ASSERT_TRUE(w.Finish().ok());
  }
  ReportInfo info{"suite", "board", {}, {}, "console.raw"};
  ASSERT_TRUE(WriteReportHtml(dir.string(), v, info).ok());
  const auto size = fs::file_size(dir / "report.html");
  EXPECT_LT(size, 1u << 20);
  std::ifstream in(dir / "report.html");
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("lines cut here"), std::string::npos);
  EXPECT_NE(html.find("id=\"stage-0\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"failure\">"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hilt
