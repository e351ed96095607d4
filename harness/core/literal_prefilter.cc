#include "harness/core/literal_prefilter.h"

#include <algorithm>
#include <map>
#include <string_view>

#include <re2/filtered_re2.h>

#include "harness/core/console_regex.h"

namespace hilt {
namespace {

// ASCII lower case, every other byte as it is: FilteredRE2's atoms for
// Latin-1 patterns are lower-cased the same way (and a case-sensitive atom
// compared case-insensitively only lets more texts through).
constexpr std::array<unsigned char, 256> MakeFoldTable() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<size_t>(c)] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return t;
}
constexpr std::array<unsigned char, 256> kFold = MakeFoldTable();

inline unsigned char Fold(char c) { return kFold[static_cast<unsigned char>(c)]; }

// Hash of a folded byte pair, kHashBits wide. Collisions only cost shifts.
inline size_t PairHash(char a, char b) {
  return ((size_t{Fold(a)} << 4) ^ Fold(b)) & 0xFFF;
}

// The byte pair at p as an index of 16 bits: p[0] | p[1] << 8.
inline size_t RawPair(const char* p) {
  return size_t{static_cast<unsigned char>(p[0])} |
         size_t{static_cast<unsigned char>(p[1])} << 8;
}

// Calls f(RawPair) for every raw byte pair whose folded bytes are x y
// (folded already): the pair as it is and its upper-case letter variants.
// The raw bytes that fold to the folded byte c: c, and for a letter its
// upper case too. Returns how many.
int CaseVariants(char c, unsigned char out[2]) {
  const auto b = static_cast<unsigned char>(c);
  out[0] = b;
  if (b >= 'a' && b <= 'z') {
    out[1] = static_cast<unsigned char>(b - 32);
    return 2;
  }
  return 1;
}

template <typename F>
void ForEachRawPair(char x, char y, F f) {
  unsigned char xs[2];
  unsigned char ys[2];
  const int nx = CaseVariants(x, xs);
  const int ny = CaseVariants(y, ys);
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) f(size_t{xs[i]} | size_t{ys[j]} << 8);
  }
}

}  // namespace

LiteralPrefilter::LiteralPrefilter(const std::vector<std::string>& regexes, Scan scan)
    : filter_(std::make_unique<re2::FilteredRE2>(kMinAtomBytes)),
      filtered_(regexes.size(), false) {
  static_assert(kHashSize == 0x1000, "PairHash is 12 bits");
  // FilteredRE2 numbers the patterns it accepted; map them back.
  std::vector<size_t> index_of;
  for (size_t i = 0; i < regexes.size(); ++i) {
    int id = -1;
    if (filter_->Add(regexes[i], ConsoleRegexOptions(), &id) == RE2::NoError) {
      index_of.push_back(i);
    }
  }
  if (index_of.empty()) return;
  filter_->Compile(&atoms_);
  for (std::string& atom : atoms_) {
    for (char& c : atom) c = static_cast<char>(Fold(c));
  }

  // With no atom found, only the unfiltered patterns remain possible.
  std::vector<int> unfiltered;
  filter_->AllPotentials({}, &unfiltered);
  for (size_t id = 0; id < index_of.size(); ++id) {
    const bool always = std::find(unfiltered.begin(), unfiltered.end(), static_cast<int>(id)) !=
                        unfiltered.end();
    filtered_[index_of[id]] = !always;
    id_filtered_.push_back(!always);
    any_filtered_ = any_filtered_ || !always;
  }
  if (!any_filtered_ || atoms_.empty()) {
    std::fill(filtered_.begin(), filtered_.end(), false);
    any_filtered_ = false;
    return;
  }

  // Wu-Manber with byte pairs: every atom's first window_ bytes.
  window_ = atoms_.front().size();
  for (const std::string& atom : atoms_) window_ = std::min(window_, atom.size());
  window_ = std::min<size_t>(window_, 255);
  if (window_ < 2) {
    // A one-byte atom would need a different scan; FilteredRE2 does not
    // make them with kMinAtomBytes >= 2. Say "maybe" for everything.
    std::fill(filtered_.begin(), filtered_.end(), false);
    any_filtered_ = false;
    return;
  }
  // Shifts by raw pair, exact (no hash collisions): each folded pair of an
  // atom's window sets every raw pair that folds to it.
  shift_.assign(65536, static_cast<uint8_t>(window_ - 1));
  first_pair_.assign(65536 / 64, 0);
  std::vector<std::vector<int>> buckets(kHashSize);
  for (size_t a = 0; a < atoms_.size(); ++a) {
    const std::string& atom = atoms_[a];
    for (size_t q = 1; q < window_; ++q) {
      const auto s = static_cast<uint8_t>(window_ - 1 - q);
      ForEachRawPair(atom[q - 1], atom[q], [&](size_t raw) {
        shift_[raw] = std::min(shift_[raw], s);
      });
    }
    ForEachRawPair(atom[0], atom[1], [&](size_t raw) {
      first_pair_[raw / 64] |= uint64_t{1} << (raw % 64);
    });
    buckets[PairHash(atom[window_ - 2], atom[window_ - 1])].push_back(static_cast<int>(a));
  }
  bucket_start_.reserve(kHashSize + 1);
  for (const std::vector<int>& bucket : buckets) {
    bucket_start_.push_back(static_cast<uint32_t>(bucket_atoms_.size()));
    bucket_atoms_.insert(bucket_atoms_.end(), bucket.begin(), bucket.end());
  }
  bucket_start_.push_back(static_cast<uint32_t>(bucket_atoms_.size()));
  // Wu-Manber stays for the last bytes of a text, which TeddyScan leaves.
  if (scan == Scan::kFastest && CpuHasAvx2()) {
    BuildTeddy();
  }
}

namespace {

// How often a byte turns up in console text, roughly (255 for a space; letters
// by their English frequency, hex digits and the punctuation of log lines
// among them): a fingerprint of rare bytes lets few positions through.
int ConsoleByteFrequency(unsigned char b) {
  // Most common first; each group scores 30 less than the one before.
  static constexpr std::string_view kByCommonness[] = {
      " ", "e0", "tao1in", "srd2c3fm", "45l6h789b.", "u:p-x", "g=,_/wy[]()", "vk>'@\t",
  };
  if (b >= 'A' && b <= 'Z') b = static_cast<unsigned char>(b + 32);
  int frequency = 255;
  for (std::string_view bytes : kByCommonness) {
    if (bytes.find(static_cast<char>(b)) != std::string_view::npos) return frequency;
    frequency -= 30;
  }
  return frequency;  // other punctuation, control and high bytes
}

// The offset of the atom's rarest TeddyMasks::kFingerprintBytes bytes (or
// all of it, if shorter).
size_t RarestWindow(const std::string& atom) {
  const size_t width = std::min<size_t>(atom.size(), TeddyMasks::kFingerprintBytes);
  size_t best = 0;
  int best_score = 1 << 30;
  for (size_t o = 0; o + width <= atom.size(); ++o) {
    int score = 0;
    for (size_t i = 0; i < width; ++i) {
      score += ConsoleByteFrequency(static_cast<unsigned char>(atom[o + i]));
    }
    if (score < best_score) {
      best_score = score;
      best = o;
    }
  }
  return best;
}

}  // namespace

void LiteralPrefilter::BuildTeddy() {
  // Each atom's fingerprint is its rarest 4 bytes (so "mmc: no card"
  // is not looked for at every "mmc"). Atoms with the same
  // fingerprint share a bucket; the fingerprints, sorted, are cut into 8
  // runs, so that a bucket's fingerprints look alike and let fewer other
  // texts through.
  std::map<std::string, std::vector<int>> by_fingerprint;
  teddy_offset_.assign(atoms_.size(), 0);
  for (size_t a = 0; a < atoms_.size(); ++a) {
    const size_t o = RarestWindow(atoms_[a]);
    teddy_offset_[a] = o;
    teddy_max_offset_ = std::max(teddy_max_offset_, o);
    by_fingerprint[atoms_[a].substr(o, TeddyMasks::kFingerprintBytes)].push_back(static_cast<int>(a));
  }
  const size_t groups = by_fingerprint.size();
  size_t g = 0;
  for (const auto& [fingerprint, members] : by_fingerprint) {
    const auto bucket = static_cast<int>(groups <= 8 ? g : g * 8 / groups);
    ++g;
    for (int a : members) teddy_buckets_[static_cast<size_t>(bucket)].push_back(a);
    for (int i = 0; i < TeddyMasks::kFingerprintBytes; ++i) {
      if (static_cast<size_t>(i) >= fingerprint.size()) {
        teddy_masks_.AllowAny(i, bucket);  // a 3-byte atom
        continue;
      }
      unsigned char variants[2];
      const int count = CaseVariants(fingerprint[static_cast<size_t>(i)], variants);
      for (int v = 0; v < count; ++v) teddy_masks_.Allow(i, variants[v], bucket);
    }
  }
  teddy_ = true;
}

LiteralPrefilter::~LiteralPrefilter() = default;

inline void LiteralPrefilter::NoteAtomAt(std::string_view text, size_t start, int a,
                                         std::vector<int>* found) const {
  const std::string& atom = atoms_[static_cast<size_t>(a)];
  if (atom.size() > text.size() - start) return;
  size_t j = 0;
  while (j < atom.size() && Fold(text[start + j]) == static_cast<unsigned char>(atom[j])) ++j;
  if (j == atom.size() && std::find(found->begin(), found->end(), a) == found->end()) {
    found->push_back(a);
  }
}

void LiteralPrefilter::FindAtoms(std::string_view text, std::vector<int>* found) const {
  if (teddy_) {
    FindAtomsTeddy(text, found);
  } else {
    FindAtomsWuManber(text, found);
  }
}

void LiteralPrefilter::CompareBucketAtoms(std::string_view text, size_t fingerprint_at,
                                          uint32_t buckets, std::vector<int>* found) const {
  for (; buckets != 0; buckets &= buckets - 1) {
    for (const int a : teddy_buckets_[static_cast<size_t>(__builtin_ctz(buckets))]) {
      const size_t offset = teddy_offset_[static_cast<size_t>(a)];
      if (offset <= fingerprint_at) NoteAtomAt(text, fingerprint_at - offset, a, found);
    }
  }
}

void LiteralPrefilter::FindAtomsTeddy(std::string_view text, std::vector<int>* found) const {
  struct Context {
    const LiteralPrefilter* self;
    std::string_view text;
    std::vector<int>* found;
    size_t candidates;
  } context{this, text, found, 0};
  // Text that lets a candidate through every few bytes (one long run of a
  // letter of some fingerprint, say) goes to Wu-Manber instead: comparing
  // atoms at each of them would cost more than its skips.
  const size_t stop = TeddyScanAvx2(
      teddy_masks_, text.data(), text.size(),
      [](void* c, size_t fingerprint_at, uint32_t buckets) {
        auto* ctx = static_cast<Context*>(c);
        ctx->self->CompareBucketAtoms(ctx->text, fingerprint_at, buckets, ctx->found);
        return ++ctx->candidates < 64 || ctx->candidates * 16 < fingerprint_at;
      },
      &context);
  // An atom whose fingerprint starts at or after `stop` starts at most
  // teddy_max_offset_ before it, and lies wholly inside what follows.
  FindAtomsWuManber(text.substr(stop - std::min(stop, teddy_max_offset_)), found);
}

void LiteralPrefilter::FindAtomsWuManber(std::string_view text, std::vector<int>* found) const {
  const char* p = text.data();
  const size_t n = text.size();
  const size_t m = window_;
  if (n < m) return;
  const uint8_t* shift = shift_.data();
  const uint64_t* first_pair = first_pair_.data();
  // pos is the last byte of the window; the window starts at pos + 1 - m.
  for (size_t pos = m - 1; pos < n; ++pos) {
    // Skip while the window's last pair ends no atom's window.
    for (uint8_t s; (s = shift[RawPair(p + pos - 1)]) != 0;) {
      pos += s;
      if (pos >= n) return;
    }
    const size_t start = pos + 1 - m;
    const size_t first = RawPair(p + start);
    if ((first_pair[first / 64] >> (first % 64) & 1) == 0) continue;
    const size_t h = PairHash(p[pos - 1], p[pos]);
    for (uint32_t k = bucket_start_[h]; k < bucket_start_[h + 1]; ++k) {
      NoteAtomAt(text, start, bucket_atoms_[k], found);
    }
  }
}

std::vector<int> LiteralPrefilter::AtomsIn(std::string_view text) const {
  std::vector<int> found;
  if (window_ >= 2) FindAtoms(text, &found);
  std::sort(found.begin(), found.end());
  return found;
}

bool LiteralPrefilter::MayMatch(std::string_view text) const {
  if (!any_filtered_) return false;
  std::vector<int> found;  // allocates only when an atom is there
  FindAtoms(text, &found);
  if (found.empty()) return false;
  std::sort(found.begin(), found.end());
  std::vector<int> possible;
  filter_->AllPotentials(found, &possible);
  // Unfiltered patterns are always "possible"; only filtered ones count.
  return std::any_of(possible.begin(), possible.end(),
                     [&](int id) { return id_filtered_[static_cast<size_t>(id)]; });
}

}  // namespace hilt
