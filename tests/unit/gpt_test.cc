#include "harness/image/gpt.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/image/gpt_writer.h"
#include "harness/image/le.h"
#include "tests/unit/image_test_util.h"

namespace hilt::image {
namespace {

using testing::RunCommand;
using testing::ScratchDir;

constexpr char kDisk[] = "11111111-2222-3333-4444-555555555555";
constexpr char kPart1[] = "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE";
constexpr char kPart2[] = "01234567-89AB-CDEF-0123-456789ABCDEF";

Guid G(const char* text) { return *Guid::Parse(text); }

constexpr char kOddName[] = "bøøt→€𝄞";

// The seed's table (two of its partitions) plus partitions of other types and
// a non-ASCII name, on a sparse file of `mib` MiB with fixed GUIDs. One sgdisk
// call: each one that writes sleeps a second after syncing.
//
// The result is cached in the build tree, keyed by the command, because ctest
// runs every test in its own process.
std::string MakeWithSgdisk(const std::string& name, uint64_t mib) {
  std::filesystem::path cache = std::filesystem::path(HILT_BINARY_DIR) / "test-cache";
  std::filesystem::create_directories(cache);
  std::string img = (cache / "tmp-XXXXXX").string();
  int fd = mkstemp(img.data());
  close(fd);
  std::string args = std::to_string(mib) + "M -o -a 1" +
                    " -n 1:34:8191 -A 1:set:2 -t 1:8300 -c 1:bl2 -u 1:" + kPart1 +
                    " -n 2:8192:9215 -A 2:set:63 -t 2:8300 -c 2:'u-boot-env' -u 2:" + kPart2 +
                    " -n 5:20000:20099 -t 5:0700 -c 5:'" + kOddName + "' -u 5:" + kPart1 +
                    " -n 6:20100:20199 -t 6:8200 -u 6:" + kPart1 +
                    " -n 7:20200:20299 -t 7:8305 -u 7:" + kPart1 +
                    " -n 8:20300:20399 -t 8:ef00 -u 8:" + kPart1 +
                    " -n 9:20400:20499 -t 9:ef02 -u 9:" + kPart1 +
                    " -n 10:20500:20599 -t 10:a000 -u 10:" + kPart1 +
                    " -U " + kDisk;
  std::string final_path =
      (cache / ("sgdisk-" + name + "-" + std::to_string(std::hash<std::string>{}(args)) + ".img")).string();
  if (std::filesystem::exists(final_path)) {
    std::filesystem::remove(img);
    return final_path;
  }
  auto size_end = args.find(' ');
  auto r = RunCommand("truncate -s " + args.substr(0, size_end) + " " + img + " && sgdisk" +
                      args.substr(size_end) + " " + img);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::filesystem::rename(img, final_path);  // atomic: parallel tests see all or nothing
  return final_path;
}

const char* kExtraCodes[] = {"0700", "8200", "8305", "ef00", "ef02", "a000"};

GptSpec SameSpec(uint64_t mib) {
  GptSpec spec;
  spec.total_sectors = mib * 2048;
  spec.disk_guid = G(kDisk);
  Guid linux_fs = *PartitionTypeFromCode("8300");
  spec.partitions.push_back({1, linux_fs, G(kPart1), 34, 8191, uint64_t{1} << 2, "bl2"});
  spec.partitions.push_back({2, linux_fs, G(kPart2), 8192, 9215, uint64_t{1} << 63, "u-boot-env"});
  for (uint32_t i = 0; i < 6; ++i) {
    spec.partitions.push_back({5 + i, *PartitionTypeFromCode(kExtraCodes[i]), G(kPart1),
                               20000 + 100 * i, 20099 + 100 * i, 0, i == 0 ? kOddName : ""});
  }
  return spec;
}

std::vector<uint8_t> ReadAt(const std::string& path, uint64_t offset, size_t size) {
  std::vector<uint8_t> out(size);
  int fd = open(path.c_str(), O_RDONLY);
  EXPECT_EQ(pread(fd, out.data(), size, static_cast<off_t>(offset)), static_cast<ssize_t>(size));
  close(fd);
  return out;
}

StatusOr<GptReadResult> ReadFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  auto src = ByteSourceFromFd(fd, path);
  if (!src.ok()) return src.status();
  auto r = ReadGpt(*src);
  close(fd);
  return r;
}

constexpr uint64_t kSmallMiB = 16;

// sgdisk's images are made once for the whole suite; each test works on a copy.
class GptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::HaveTool("sgdisk")) small_ = MakeWithSgdisk("small", kSmallMiB);
  }
  void SetUp() override {
    HILT_REQUIRE_TOOL("sgdisk");
    img_ = dir_ / "disk.img";
    std::filesystem::copy_file(small_, img_);
  }
  static std::string small_;
  ScratchDir dir_;
  std::string img_;
};
std::string GptTest::small_;

TEST_F(GptTest, WriterMatchesSgdiskByteForByte) {
  // 16 MiB: CHS in range; 9000 MiB: CHS past cylinder 1023. (The seed's
  // 4000 MiB is compared in tests/integration/image_test.sh.)
  for (uint64_t mib : {kSmallMiB, uint64_t{9000}}) {
    std::string ref = mib == kSmallMiB ? small_ : MakeWithSgdisk("large", mib);
    auto chunks = BuildGpt(SameSpec(mib));
    ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
    ASSERT_EQ(chunks->size(), 3u);
    for (const auto& c : *chunks) {
      EXPECT_EQ(ReadAt(ref, c.offset, c.bytes.size()), c.bytes)
          << mib << " MiB, chunk at byte " << c.offset;
    }
  }
}

TEST_F(GptTest, ReadsWhatSgdiskWrote) {
  auto r = ReadFile(img_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->Overall().ok()) << r->Overall().ToString();
  EXPECT_FALSE(r->from_backup);
  EXPECT_EQ(r->header.disk_guid.ToString(), kDisk);
  EXPECT_EQ(r->header.first_usable_lba, 34u);
  EXPECT_EQ(r->header.last_usable_lba, kSmallMiB * 2048 - 34);
  ASSERT_EQ(r->partitions.size(), 8u);
  const auto& bl2 = r->partitions[0];
  EXPECT_EQ(bl2.number, 1u);
  EXPECT_EQ(bl2.name, "bl2");
  EXPECT_EQ(bl2.first_lba, 34u);
  EXPECT_EQ(bl2.last_lba, 8191u);
  EXPECT_TRUE(bl2.attribute(2));
  EXPECT_EQ(bl2.unique.ToString(), kPart1);
  EXPECT_EQ(bl2.type.ToString(), "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
  EXPECT_EQ(r->partitions[1].name, "u-boot-env");
  EXPECT_EQ(r->partitions[1].attributes, uint64_t{1} << 63);
  EXPECT_EQ(r->partitions[2].number, 5u);
  EXPECT_EQ(r->partitions[2].name, kOddName);  // UTF-16LE with a surrogate pair → UTF-8
}

TEST_F(GptTest, TypeCodesMatchSgdisk) {
  auto r = ReadFile(img_);
  ASSERT_TRUE(r.ok());
  for (uint32_t i = 0; i < 6; ++i) {
    auto guid = PartitionTypeFromCode(kExtraCodes[i]);
    ASSERT_TRUE(guid.ok()) << kExtraCodes[i];
    EXPECT_EQ(r->partitions[2 + i].type, *guid) << kExtraCodes[i];
  }
  EXPECT_FALSE(PartitionTypeFromCode("9999").ok());
  EXPECT_TRUE(PartitionTypeFromCode("0fc63daf-8483-4772-8e79-3d69d8477de4").ok());
}

TEST_F(GptTest, SgdiskAcceptsWhatWeWrite) {
  std::string img = dir_ / "ours.img";
  auto spec = SameSpec(64);
  spec.partitions.push_back({4, spec.partitions[0].type, G(kPart1), 13312, 17407, 0, "fip"});
  spec.partitions[2].unique.bytes[0] ^= 1;
  auto chunks = BuildGpt(spec);
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(RunCommand("truncate -s 64M " + img).exit_code, 0);
  int fd = open(img.c_str(), O_WRONLY);
  for (const auto& c : *chunks) {
    ASSERT_EQ(pwrite(fd, c.bytes.data(), c.bytes.size(), static_cast<off_t>(c.offset)),
              static_cast<ssize_t>(c.bytes.size()));
  }
  close(fd);
  auto v = RunCommand("sgdisk -v " + img);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find("No problems found"), std::string::npos) << v.output;
  auto info = RunCommand("sgdisk -i 4 " + img);
  EXPECT_NE(info.output.find("Partition name: 'fip'"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("First sector: 13312"), std::string::npos) << info.output;
}

TEST_F(GptTest, CorruptPrimaryHeaderFallsBackToBackupAndSaysWhy) {
  const std::string& img = img_;
  auto bytes = ReadAt(img, 512, 1);
  int fd = open(img.c_str(), O_WRONLY);
  uint8_t bad = 0x7F;
  ASSERT_EQ(pwrite(fd, &bad, 1, 512 + 48), 1);  // last usable LBA, under the CRC
  close(fd);
  auto r = ReadFile(img);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->from_backup);
  EXPECT_FALSE(r->primary.ok());
  EXPECT_NE(r->primary.message().find("primary GPT header at LBA 1: header CRC32"), std::string::npos)
      << r->primary.message();
  EXPECT_TRUE(r->backup.ok()) << r->backup.ToString();
  EXPECT_EQ(r->partitions.size(), 8u);
  EXPECT_FALSE(r->Overall().ok());
}

TEST_F(GptTest, CorruptBackupEntriesAreReported) {
  const std::string& img = img_;
  uint64_t backup_entries = (kSmallMiB * 2048 - 33) * 512;
  int fd = open(img.c_str(), O_WRONLY);
  uint8_t bad = 'X';
  ASSERT_EQ(pwrite(fd, &bad, 1, static_cast<off_t>(backup_entries + 56)), 1);  // name of part 1
  close(fd);
  auto r = ReadFile(img);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->primary.ok());
  EXPECT_FALSE(r->from_backup);
  EXPECT_NE(r->backup.message().find("backup GPT entries at LBA " + std::to_string(kSmallMiB * 2048 - 33) +
                                     ": partition entries CRC32"),
            std::string::npos)
      << r->backup.message();
  // sgdisk agrees there is a problem.
  EXPECT_EQ(RunCommand("sgdisk -v " + img).output.find("No problems found"), std::string::npos);
}

TEST_F(GptTest, BothCopiesBrokenIsAnError) {
  const std::string& img = img_;
  int fd = open(img.c_str(), O_WRONLY);
  uint8_t bad = 0;
  ASSERT_EQ(pwrite(fd, &bad, 1, 512), 1);
  ASSERT_EQ(pwrite(fd, &bad, 1, static_cast<off_t>((kSmallMiB * 2048 - 1) * 512)), 1);
  close(fd);
  auto r = ReadFile(img);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no valid GPT"), std::string::npos);
  EXPECT_NE(r.status().message().find("EFI PART"), std::string::npos);
}

TEST_F(GptTest, ResizedImageIsNamed) {
  const std::string& img = img_;
  ASSERT_EQ(RunCommand("truncate -s 17M " + img).exit_code, 0);
  // The backup is no longer at the end, and the primary points past it.
  auto r = ReadFile(img);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected LBA " + std::to_string(17 * 2048 - 1) +
                                      " (disk has " + std::to_string(17 * 2048) +
                                      " sectors; image resized?)"),
            std::string::npos)
      << r.status().message();
}

TEST_F(GptTest, MissingProtectiveMbrIsReported) {
  const std::string& img = img_;
  int fd = open(img.c_str(), O_WRONLY);
  uint8_t zero = 0;
  ASSERT_EQ(pwrite(fd, &zero, 1, 510), 1);
  close(fd);
  auto r = ReadFile(img);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->mbr.message().find("0x55AA"), std::string::npos);
}

TEST(GptWriter, RefusesBadTables) {
  auto spec = SameSpec(64);
  spec.partitions[1].first_lba = 8000;
  auto r = BuildGpt(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overlaps partition 1 'bl2'"), std::string::npos) << r.status().message();
  spec = SameSpec(64);
  spec.partitions[0].first_lba = 33;
  EXPECT_NE(BuildGpt(spec).status().message().find("first usable sector is 34"), std::string::npos);
  spec = SameSpec(64);
  spec.partitions[1].last_lba = 64 * 2048 - 33;
  EXPECT_NE(BuildGpt(spec).status().message().find("past the last usable sector"), std::string::npos);
  spec = SameSpec(64);
  spec.partitions[0].name = std::string(37, 'x');
  EXPECT_NE(BuildGpt(spec).status().message().find("longer than 36"), std::string::npos);
}

TEST(Guid, NameBasedIsStableAndVersion5) {
  Guid a = Guid::NameBased(kHiltLayoutNamespace, "bpi-r4-sd/bl2");
  Guid b = Guid::NameBased(kHiltLayoutNamespace, "bpi-r4-sd/bl2");
  Guid c = Guid::NameBased(kHiltLayoutNamespace, "bpi-r4-sd/fip");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a.ToString()[14], '5');
  // RFC 4122 appendix B's corrected example: DNS namespace, "www.example.com".
  Guid dns = G("6BA7B810-9DAD-11D1-80B4-00C04FD430C8");
  EXPECT_EQ(Guid::NameBased(dns, "www.example.com").ToString(), "2ED6657D-E927-568B-95E1-2665A8AEA6A2");
}

TEST_F(GptTest, HostileEntriesLbaIsRejected) {
  // An entries LBA near 2^64 must not wrap around the bounds check.
  auto bytes = ReadAt(img_, 0, 34 * 512);
  StoreLe64(bytes.data() + 512 + 72, ~uint64_t{0} - 3);
  StoreLe32(bytes.data() + 512 + 16, 0);
  StoreLe32(bytes.data() + 512 + 16, GptCrc32({bytes.data() + 512, kGptHeaderSize}));
  int fd = open(img_.c_str(), O_WRONLY);
  ASSERT_EQ(pwrite(fd, bytes.data() + 512, 512, 512), 512);
  close(fd);
  auto r = ReadFile(img_);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->primary.message().find("partition entries at LBA 18446744073709551612"), std::string::npos)
      << r->primary.message();
}

TEST(GptFuzzEntry, HostileBytesNeverCrash) {
  std::vector<uint8_t> disk(64 * 512, 0);
  auto chunks = BuildGpt([] {
    GptSpec s;
    s.total_sectors = 64;
    s.num_entries = 4;
    return s;
  }());
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  for (const auto& c : *chunks) std::copy(c.bytes.begin(), c.bytes.end(), disk.begin() + c.offset);
  EXPECT_TRUE(FuzzReadGpt(disk.data(), disk.size()).ok()) << FuzzReadGpt(disk.data(), disk.size()).ToString();
  for (uint32_t seed = 0; seed < 300; ++seed) {
    auto bytes = disk;
    auto noise = testing::Pattern(8, seed);
    StoreLe64(bytes.data() + 512 + 8 * (seed % 12), LoadLe64(noise.data()));
    (void)FuzzReadGpt(bytes.data(), bytes.size());
  }
  EXPECT_FALSE(FuzzReadGpt(nullptr, 0).ok());
}

}  // namespace
}  // namespace hilt::image
