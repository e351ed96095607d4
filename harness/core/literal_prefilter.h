// LiteralPrefilter: a fast proof that no pattern of a set can match a text.
//
// Most console text matches no fail pattern, yet a regex Set spends the same
// DFA steps on every byte. But almost every real pattern needs some literal
// text: 'BL2: Failed to load image id \d+' cannot match where "bl2: failed to
// load image id " (any case) does not appear. RE2's FilteredRE2 computes
// those required literals ("atoms") for each pattern, as an AND/OR tree; this
// class searches a text for all atoms at once and asks the tree which
// patterns are still possible. The search is TeddyScan (teddy_scan.h: 32
// bytes a step, fingerprints of the atoms' first 3 bytes) where the CPU has
// AVX2, and otherwise Wu-Manber (a shift table over raw byte pairs, so most
// bytes are skipped, not read); both find exactly the same atoms.
//
// A pattern without a usable atom (`\d+`, `.{3}`) is "unfiltered": the
// prefilter says nothing about it and the caller must always run it.
// Patterns are parsed as console patterns (Latin-1, console_regex.h).
//
// Soundness: a match of a filtered pattern inside a text implies its atoms
// in that text, so MayMatch(text) == false proves no match in the text and in
// any part of it (a line of a block of lines).
#ifndef HILT_CORE_LITERAL_PREFILTER_H_
#define HILT_CORE_LITERAL_PREFILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/teddy_scan.h"

namespace re2 {
class FilteredRE2;
}

namespace hilt {

class LiteralPrefilter {
 public:
  // Atoms shorter than this are not searched for (too frequent to help);
  // a pattern left with only those is unfiltered.
  static constexpr int kMinAtomBytes = 3;

  enum class Scan {
    kFastest,   // TeddyScan where the CPU has AVX2, else Wu-Manber
    kPortable,  // Wu-Manber (tests compare the two)
  };

  // Patterns that do not compile are unfiltered (the caller reports them).
  explicit LiteralPrefilter(const std::vector<std::string>& regexes,
                            Scan scan = Scan::kFastest);
  ~LiteralPrefilter();
  LiteralPrefilter(const LiteralPrefilter&) = delete;
  LiteralPrefilter& operator=(const LiteralPrefilter&) = delete;

  // Whether pattern i (in constructor order) has atoms; if not, MayMatch
  // says nothing about it.
  bool filtered(size_t i) const { return filtered_[i]; }
  bool any_filtered() const { return any_filtered_; }

  // False proves that no filtered pattern matches in `text` or any part of
  // it. True: some filtered pattern may match (its atoms are there).
  bool MayMatch(std::string_view text) const;

  // The lower-case atoms searched for (for tests and docs).
  const std::vector<std::string>& atoms() const { return atoms_; }
  // The indexes (into atoms()) of the atoms in text, sorted (for tests).
  std::vector<int> AtomsIn(std::string_view text) const;
  // Whether the search is TeddyScan.
  bool simd() const { return teddy_; }

 private:
  static constexpr size_t kHashBits = 12;
  static constexpr size_t kHashSize = size_t{1} << kHashBits;

  // Appends the index of every atom found in text to *found, once.
  void FindAtoms(std::string_view text, std::vector<int>* found) const;
  void FindAtomsWuManber(std::string_view text, std::vector<int>* found) const;
  void FindAtomsTeddy(std::string_view text, std::vector<int>* found) const;
  // Appends atom a to *found (once) if it starts at text[start], in any case.
  void NoteAtomAt(std::string_view text, size_t start, int a, std::vector<int>* found) const;
  // Appends the atoms of `buckets` whose fingerprint is at text[fingerprint_at].
  void CompareBucketAtoms(std::string_view text, size_t fingerprint_at, uint32_t buckets,
                          std::vector<int>* found) const;
  void BuildTeddy();

  std::unique_ptr<re2::FilteredRE2> filter_;
  std::vector<std::string> atoms_;
  std::vector<bool> filtered_;     // by constructor index
  std::vector<bool> id_filtered_;  // by FilteredRE2 id
  bool any_filtered_ = false;
  // Wu-Manber over the first window_ bytes of each atom (window_ = the
  // shortest atom's length): the shift for hash h is how far the window may
  // move when its last byte pair hashes to h; 0 means some atom's window
  // ends in such a pair, and bucket h lists those atoms. shift_ holds it by
  // the raw pair (first byte | second << 8), so a step is one 16-bit load
  // and one lookup, without folding or hashing.
  size_t window_ = 0;
  std::vector<uint8_t> shift_;  // 65536
  std::vector<uint32_t> bucket_start_;  // kHashSize + 1 offsets into bucket_atoms_
  std::vector<int> bucket_atoms_;
  // Bit (b0 << 8 | b1) set if some atom starts with the raw byte pair b0 b1
  // in some case: a window whose last pair has shift 0 (a frequent pair
  // like "er") is compared with its bucket's atoms only if it starts so.
  std::vector<uint64_t> first_pair_;  // 65536 bits
  // TeddyScan: its masks, the atoms of each of its 8 buckets, and where in
  // each atom its fingerprint starts.
  bool teddy_ = false;
  TeddyMasks teddy_masks_;
  std::array<std::vector<int>, 8> teddy_buckets_;
  std::vector<size_t> teddy_offset_;  // by atom
  size_t teddy_max_offset_ = 0;
};

}  // namespace hilt

#endif  // HILT_CORE_LITERAL_PREFILTER_H_
