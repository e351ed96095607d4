// The literal prefilter must never hide a match: MayMatch(text) is false only
// when no filtered pattern matches the text. Checked on hand-picked cases
// (no atom, (?i), alternations, anchors, AND of atoms, atoms at the edges)
// and against RE2 itself on random patterns and texts; and through the
// BootChecker, with a fail pattern's literal cut by a chunk boundary.
#include "harness/core/literal_prefilter.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "harness/core/boot_checker.h"
#include "harness/core/console_regex.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

TEST(LiteralPrefilterTest, LiteralPatternNeedsItsText) {
  LiteralPrefilter f({"BL2: Failed to load image id \\d+"});
  ASSERT_TRUE(f.filtered(0));
  EXPECT_EQ(f.atoms(), std::vector<std::string>{"bl2: failed to load image id "});
  EXPECT_TRUE(f.MayMatch("ERROR:   BL2: Failed to load image id 5 (-2)"));
  EXPECT_FALSE(f.MayMatch("NOTICE:  BL2: v2.10.0   (release):"));
  EXPECT_FALSE(f.MayMatch("BL2: Failed to load image i"));  // cut one byte short
  EXPECT_FALSE(f.MayMatch(""));
}

TEST(LiteralPrefilterTest, PatternWithoutAtomIsUnfiltered) {
  LiteralPrefilter f({"\\d+", "[0-9a-f]{8}:", "ab"});
  EXPECT_FALSE(f.filtered(0));
  EXPECT_FALSE(f.filtered(1));
  EXPECT_FALSE(f.filtered(2));  // shorter than kMinAtomBytes
  EXPECT_FALSE(f.any_filtered());
  EXPECT_FALSE(f.MayMatch("12345678: ab"));  // says nothing: the caller runs them

  LiteralPrefilter mixed({"\\d+", "Kernel panic"});
  EXPECT_FALSE(mixed.filtered(0));
  EXPECT_TRUE(mixed.filtered(1));
  EXPECT_FALSE(mixed.MayMatch("12345"));
  EXPECT_TRUE(mixed.MayMatch("Kernel panic - not syncing"));
}

TEST(LiteralPrefilterTest, CaseInsensitiveBothWays) {
  LiteralPrefilter f({"(?i)kernel panic", "ERROR:"});
  EXPECT_TRUE(f.MayMatch("KERNEL PANIC"));
  EXPECT_TRUE(f.MayMatch("Kernel Panic"));
  // A case-sensitive atom is searched case-insensitively: a harmless "maybe".
  EXPECT_TRUE(f.MayMatch("error:"));
  EXPECT_FALSE(f.MayMatch("kernel: panic"));
}

TEST(LiteralPrefilterTest, AlternationNeedsOneBranch) {
  LiteralPrefilter f({"Unable to handle kernel (NULL pointer|paging request)"});
  EXPECT_TRUE(f.MayMatch("Unable to handle kernel NULL pointer dereference"));
  EXPECT_TRUE(f.MayMatch("Unable to handle kernel paging request at"));
  EXPECT_FALSE(f.MayMatch("Unable to handle kernel"));
  EXPECT_FALSE(f.MayMatch("NULL pointer paging request"));
}

TEST(LiteralPrefilterTest, AllRequiredLiteralsMustBeThere) {
  LiteralPrefilter f({"data abort\\s+pc : \\[<[0-9a-f]+>\\]"});
  EXPECT_FALSE(f.MayMatch("data abort"));
  EXPECT_FALSE(f.MayMatch("pc : [<"));
  EXPECT_TRUE(f.MayMatch("data abort  pc : [<ffff0000>]"));
}

TEST(LiteralPrefilterTest, AnchorsKeepTheLiteral) {
  LiteralPrefilter f({"^resetting \\.\\.\\.$", "(?m)^BPI-R4> $"});
  ASSERT_TRUE(f.filtered(0));
  ASSERT_TRUE(f.filtered(1));
  EXPECT_TRUE(f.MayMatch("resetting ..."));
  EXPECT_TRUE(f.MayMatch("noise\nBPI-R4> \nmore"));
  EXPECT_FALSE(f.MayMatch("resetting .."));
}

TEST(LiteralPrefilterTest, AtomsAtTheEdgesAndOverlapping) {
  // Atoms of different lengths: the scan window is the shortest one's.
  LiteralPrefilter f({"abcd", "xyzxyzxyz", "Oops"});
  for (std::string text : {"abcd", "abcd--------", "--------abcd", "xyzxyzxyz", "xyxyzxyzxyzx",
                           "ooPS", "abcabcd", "aabcd"}) {
    EXPECT_TRUE(f.MayMatch(text)) << text;
  }
  for (std::string text : {"abc", "bcd", "xyzxyzxy", "abdc xyzxyz xyz", "oop", ""}) {
    EXPECT_FALSE(f.MayMatch(text)) << text;
  }
}

TEST(LiteralPrefilterTest, NonAsciiLiteralsAreBytes) {
  // Console patterns are Latin-1: "é" in a pattern is its two UTF-8 bytes.
  LiteralPrefilter f({"caf\xc3\xa9 ok", "(?i)\\x{e9}t\\x{c9}"});
  EXPECT_TRUE(f.MayMatch("un caf\xc3\xa9 ok"));
  EXPECT_FALSE(f.MayMatch("un cafe ok"));
  EXPECT_TRUE(f.MayMatch("\xc9T\xe9"));  // (?i) folds Latin-1 letters too
}

// Random patterns over a small alphabet, so atoms often (nearly) occur in
// random texts: whenever RE2 finds a match, the prefilter must say maybe.
TEST(LiteralPrefilterTest, NeverHidesAMatchOfRe2) {
  std::mt19937 rng(2024);
  const std::vector<std::string> pieces = {
      "a",  "b",   "c",      "A",    "ab",  "abc", "ca",    "\\d",   "\\s+", "[ab]", "(a|bc)",
      "x?", "b*",  "(?i)ab", ".",    "^",   "$",   "\\bab", "(cab|abc)", "[^a]", "c{2,3}"};
  const std::string alphabet = "abcABC1 \n";
  int filtered_patterns = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> regexes;
    for (int k = 0; k < 3; ++k) {
      std::string re;
      const int n = 2 + static_cast<int>(rng() % 6);
      for (int i = 0; i < n; ++i) re += pieces[rng() % pieces.size()];
      regexes.push_back(re);
    }
    LiteralPrefilter f(regexes);
    std::vector<std::unique_ptr<RE2>> compiled;
    for (size_t i = 0; i < regexes.size(); ++i) {
      compiled.push_back(std::make_unique<RE2>(regexes[i], ConsoleRegexOptions()));
      if (f.filtered(i)) ++filtered_patterns;
    }
    for (int t = 0; t < 40; ++t) {
      std::string text;
      const size_t len = rng() % 24;
      for (size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
      for (size_t i = 0; i < regexes.size(); ++i) {
        if (!f.filtered(i) || !compiled[i]->ok()) continue;
        if (RE2::PartialMatch(text, *compiled[i])) {
          ASSERT_TRUE(f.MayMatch(text)) << "pattern '" << regexes[i] << "' text '" << text << "'";
        }
      }
    }
  }
  EXPECT_GT(filtered_patterns, 300);  // the test exercised real atoms
}

// The scan's tables are indexed by raw byte pairs (every case of an atom's
// folded pairs): an atom in any mix of cases, at every offset of texts of
// random bytes, among atoms of other lengths (the window is the shortest),
// is always found; and RE2 agrees wherever a pattern matches.
TEST(LiteralPrefilterTest, AtomInAnyCaseAtEveryOffsetOfRandomBytes) {
  std::mt19937 rng(99);
  const std::string letters = "abcdefghijklmnopqrstuvwxyz:;@[]{}`^ -_.0123456789";
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> literals;
    const int count = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < count; ++k) {
      std::string lit;
      const size_t len = 3 + rng() % 12;
      while (lit.size() < len) lit += letters[rng() % letters.size()];
      literals.push_back(lit);
    }
    std::vector<std::string> regexes;
    for (const std::string& lit : literals) regexes.push_back("(?i)" + RE2::QuoteMeta(lit));
    LiteralPrefilter f(regexes);
    std::vector<std::unique_ptr<RE2>> compiled;
    for (const std::string& re : regexes) {
      compiled.push_back(std::make_unique<RE2>(re, ConsoleRegexOptions()));
    }
    for (const std::string& lit : literals) {
      for (size_t offset = 0; offset < 40; ++offset) {
        std::string text;
        for (size_t i = 0; i < offset; ++i) text += static_cast<char>(rng() & 0xFF);
        for (const char c : lit) {
          text += (rng() % 2 != 0 && c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
        }
        for (size_t i = rng() % 8; i > 0; --i) text += static_cast<char>(rng() & 0xFF);
        ASSERT_TRUE(f.MayMatch(text)) << "atom '" << lit << "' at " << offset;
        for (size_t i = 0; i < regexes.size(); ++i) {
          if (f.filtered(i) && RE2::PartialMatch(text, *compiled[i])) {
            ASSERT_TRUE(f.MayMatch(text)) << regexes[i];
          }
        }
      }
    }
  }
}

// The AVX2 scan (TeddyScan) finds exactly the atoms the portable Wu-Manber
// scan finds: atoms of 3 to 20 bytes sharing prefixes (so buckets hold
// several), in any case, at every offset of texts from 0 to 140 bytes,
// across the 32-byte steps and in the bytes the SIMD loop leaves to the
// portable scan, among random bytes and near-misses; and in long texts of
// atom pieces, where the SIMD scan gives up on the candidates' density.
TEST(LiteralPrefilterTest, SimdScanFindsTheSameAtomsAsThePortableScan) {
  std::mt19937 rng(31);
  const std::string letters = "abcdeERROR:rst;@[ -_.019";
  int simd_sets = 0;
  for (int round = 0; round < 80; ++round) {
    std::vector<std::string> literals;
    const int count = 1 + static_cast<int>(rng() % 14);
    for (int k = 0; k < count; ++k) {
      std::string lit = k > 0 && rng() % 3 == 0 ? literals[rng() % literals.size()].substr(0, 3) : "";
      const size_t len = 3 + rng() % 18;
      while (lit.size() < len) lit += letters[rng() % letters.size()];
      literals.push_back(lit);
    }
    std::vector<std::string> regexes;
    for (const std::string& lit : literals) regexes.push_back("(?i)" + RE2::QuoteMeta(lit));
    const LiteralPrefilter simd(regexes);
    const LiteralPrefilter portable(regexes, LiteralPrefilter::Scan::kPortable);
    ASSERT_FALSE(portable.simd());
    ASSERT_EQ(simd.atoms(), portable.atoms());
    if (simd.simd()) ++simd_sets;
    for (int t = 0; t < 60; ++t) {
      std::string text;
      const size_t len = rng() % 141;
      while (text.size() < len) {
        const unsigned pick = rng() % 4;
        if (pick == 0) {
          text += static_cast<char>(rng() & 0xFF);
        } else if (pick == 1) {
          const std::string& lit = literals[rng() % literals.size()];
          for (const char c : lit.substr(0, rng() % (lit.size() + 1))) {
            text += (rng() % 2 != 0 && c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
          }
        } else {
          text += letters[rng() % letters.size()];
        }
      }
      text.resize(len);
      ASSERT_EQ(simd.AtomsIn(text), portable.AtomsIn(text)) << "round " << round << " text " << text;
      ASSERT_EQ(simd.MayMatch(text), portable.MayMatch(text));
    }
    // Dense candidates (pieces of atoms only, up to 3 KB), where the SIMD
    // scan hands the rest of the text to Wu-Manber part way.
    for (int t = 0; t < 10; ++t) {
      std::string text;
      const size_t len = 200 + rng() % 3000;
      while (text.size() < len) {
        const std::string& lit = literals[rng() % literals.size()];
        text += lit.substr(rng() % lit.size());
      }
      ASSERT_EQ(simd.AtomsIn(text), portable.AtomsIn(text)) << "round " << round << " text " << text;
    }
  }
  if (CpuHasAvx2()) {
    EXPECT_EQ(simd_sets, 80);
  } else {
    GTEST_SKIP() << "this CPU has no AVX2: only the portable scan ran";
  }
}

Stage MakeStage(std::string name, std::string re) {
  Stage st;
  st.name = std::move(name);
  st.expect = Pattern{std::move(re), {}};
  return st;
}

// A fail pattern's literal cut by every possible chunk boundary still fails
// the boot, with and without block matching; so does a pattern with no atom.
TEST(LiteralPrefilterTest, CheckerFindsAtomCutByChunkBoundary) {
  Suite s;
  s.name = "cut";
  s.timeout = 60s;
  s.fail = {Pattern{"BL2: Failed to load image id \\d+", {}}, Pattern{"^\\d{3}-\\d{3}$", {}}};
  s.stages = {MakeStage("bootrom", "Jump to BL"), MakeStage("prompt", "BPI-R4> ")};
  const std::string ok = "F0: 102B 0000\r\nJump to BL\r\nnoise 123\r\n";
  for (const std::string bad : {"ERROR:   BL2: Failed to load image id 5 (-2)\r\n", "123-456\r\n"}) {
    const std::string log = ok + bad + "BPI-R4> ";
    for (bool blocks : {true, false}) {
      for (size_t cut = 1; cut < log.size(); ++cut) {
        BootChecker checker(s, CheckerOptions{.judge_time = false, .external_facts = {},
                                              .block_matching = blocks});
        std::vector<Action> actions;
        checker.Feed(std::string_view(log).substr(0, cut), 0s, &actions);
        checker.Feed(std::string_view(log).substr(cut), 0s, &actions);
        checker.Finish(0s);
        ASSERT_EQ(checker.verdict().outcome, Outcome::kFail) << "cut at " << cut;
        EXPECT_EQ(checker.verdict().failed_stage, "prompt") << "cut at " << cut;
        EXPECT_NE(checker.verdict().reason.find("line 4"), std::string::npos)
            << checker.verdict().reason;
      }
    }
  }
}

}  // namespace
}  // namespace hilt
