// LiteralPrefilter: a fast proof that no pattern of a set can match a text.
//
// Most console text matches no fail pattern, yet a regex Set spends the same
// DFA steps on every byte. But almost every real pattern needs some literal
// text: 'BL2: Failed to load image id \d+' cannot match where "bl2: failed to
// load image id " (any case) does not appear. RE2's FilteredRE2 computes
// those required literals ("atoms") for each pattern, as an AND/OR tree; this
// class searches a text for all atoms at once (Wu-Manber: a shift table over
// case-folded byte pairs, so most bytes are skipped, not read) and asks the
// tree which patterns are still possible.
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

namespace re2 {
class FilteredRE2;
}

namespace hilt {

class LiteralPrefilter {
 public:
  // Atoms shorter than this are not searched for (too frequent to help);
  // a pattern left with only those is unfiltered.
  static constexpr int kMinAtomBytes = 3;

  // Patterns that do not compile are unfiltered (the caller reports them).
  explicit LiteralPrefilter(const std::vector<std::string>& regexes);
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

 private:
  static constexpr size_t kHashBits = 12;
  static constexpr size_t kHashSize = size_t{1} << kHashBits;

  // Appends the index of every atom found in text to *found.
  void FindAtoms(std::string_view text, std::vector<int>* found) const;

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
};

}  // namespace hilt

#endif  // HILT_CORE_LITERAL_PREFILTER_H_
