#include "harness/image/layout.h"

#include <gtest/gtest.h>

namespace hilt::image {
namespace {

constexpr char kSeed[] = HILT_SOURCE_DIR "/lab/layouts/bpi-r4-sd.yaml";

TEST(Layout, SeedLayoutIsTheSeedTable) {
  auto l = LoadLayoutFile(kSeed);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->kind, Layout::Kind::kGpt);
  EXPECT_EQ(l->size, 4000ull << 20);
  EXPECT_EQ(l->sector_size, 512u);
  struct Row {
    const char* name;
    uint64_t first, last, attributes;
    const char* content;
  } rows[] = {{"bl2", 34, 8191, 1ull << 2, "bl2"},
              {"u-boot-env", 8192, 9215, 1ull << 63, ""},
              {"factory", 9216, 13311, 1ull << 63, ""},
              {"fip", 13312, 17407, 1ull << 63, "fip"}};
  ASSERT_EQ(l->partitions.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto& p = l->partitions[i];
    EXPECT_EQ(p.name, rows[i].name);
    EXPECT_EQ(p.number, i + 1);
    EXPECT_EQ(p.first, rows[i].first);
    EXPECT_EQ(p.last, rows[i].last);
    EXPECT_EQ(p.attributes, rows[i].attributes);
    EXPECT_EQ(p.content, rows[i].content);
    EXPECT_EQ(p.type.ToString(), "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
  }
  auto slots = l->Slots();
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].offset, 34u * 512);
  EXPECT_EQ(slots[1].offset, 13312u * 512);
  EXPECT_EQ(slots[1].capacity, 4096u * 512);
}

TEST(Layout, QemuFlashLayout) {
  auto l = LoadLayoutFile(HILT_SOURCE_DIR "/lab/layouts/qemu-virt-flash.yaml");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->kind, Layout::Kind::kRaw);
  EXPECT_EQ(l->size, 64ull << 20);
  auto slots = l->Slots();
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].content, "bl1");
  EXPECT_EQ(slots[0].capacity, 256u << 10);
  EXPECT_EQ(slots[1].offset, 256u << 10);
  EXPECT_EQ(slots[1].capacity, 4u << 20);
}

TEST(Layout, DerivedGuidsAreStableAndDistinct) {
  auto a = LoadLayoutFile(kSeed);
  auto b = LoadLayoutFile(kSeed);
  ASSERT_TRUE(a.ok() && b.ok());
  auto sa = a->ToGptSpec(), sb = b->ToGptSpec();
  EXPECT_EQ(sa.disk_guid, sb.disk_guid);
  EXPECT_NE(sa.partitions[0].unique, sa.partitions[1].unique);
  EXPECT_EQ(sa.partitions[3].unique, sb.partitions[3].unique);
}

TEST(Layout, ExplicitGuidsWin) {
  auto l = LoadLayoutString(R"(layout: x
kind: gpt
size: 8MiB
disk-guid: 11111111-2222-3333-4444-555555555555
partitions:
  - {name: a, first: 2048, last: 4095, type: ef00, guid: AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}
)",
                            "x.yaml");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  auto spec = l->ToGptSpec();
  EXPECT_EQ(spec.disk_guid.ToString(), "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(spec.partitions[0].unique.ToString(), "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE");
}

struct BadCase {
  const char* yaml;
  const char* message;  // with file:line:column
};

class LayoutErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(LayoutErrors, SayWhereAndWhy) {
  auto l = LoadLayoutString(GetParam().yaml, "bad.yaml");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(l.status().message().find(GetParam().message), std::string::npos) << l.status().message();
}

#define HEAD "layout: x\nkind: gpt\nsize: 8MiB\npartitions:\n"
INSTANTIATE_TEST_SUITE_P(
    All, LayoutErrors,
    ::testing::Values(
        BadCase{HEAD "  - {name: a, first: 2048, last: 4095, type: 8300}\n  - {name: b, first: 4000, last: 5000, type: 8300}\n",
                "bad.yaml:6:5: partition 2 'b' (sectors 4000-5000) overlaps partition 1 'a'"},
        BadCase{HEAD "  - {name: a, first: 20, last: 4095, type: 8300}\n", "bad.yaml:5:5: partition 1 'a': starts at sector 20, inside the MBR/GPT"},
        BadCase{HEAD "  - {name: a, first: 2048, last: 16384, type: 8300}\n", "bad.yaml:5:5: partition 1 'a': ends at sector 16384, past the last usable sector 16350"},
        BadCase{HEAD "  - {name: a, first: 2048, last: 4095, type: 9999}\n", "bad.yaml:5:46: unknown partition type '9999'"},
        BadCase{HEAD "  - {name: a, first: 2048, last: 4095, type: 8300, attributes: [64]}\n", "attribute bit 64 is not 0..63"},
        BadCase{HEAD "  - {name: a, first: 2048, last: 4095, type: 8300, colour: red}\n", "bad.yaml:5:52: unknown key 'colour' in partition"},
        BadCase{HEAD "  - {name: a, first: 2048, last: 4095, type: 8300}\n  - {name: a, first: 5000, last: 5001, type: 8300}\n", "duplicate partition name 'a'"},
        BadCase{HEAD "  - {name: a, first: 4095, last: 2048, type: 8300}\n", "last sector 2048 is before first sector 4095"},
        BadCase{"layout: x\nkind: gpt\nsize: 8MB\npartitions: []\n", "bad.yaml:3:7: size: '8MB' is not a size"},
        BadCase{"layout: x\nkind: zip\nsize: 8MiB\n", "bad.yaml:2:7: kind must be 'gpt' or 'raw'"},
        BadCase{"layout: x\nkind: raw\nsize: 1MiB\nblobs:\n  - {content: a, offset: 2MiB}\n", "bad.yaml:5:5: blob 'a' at offset 2097152 is outside"},
        BadCase{"layout: x\nkind: raw\nsize: 1MiB\nblobs:\n  - {content: a, offset: 0, max-size: 2KiB}\n  - {content: b, offset: 1KiB}\n",
                "bad.yaml:5:5: blob 'a': max-size 2048 runs into the next blob"},
        BadCase{"layout: x\nkind: gpt\nsize: 1000B\npartitions:\n  - {name: a, first: 34, last: 35, type: 8300}\n", "not a multiple of the sector size"}));

TEST(ParseByteSize, Units) {
  EXPECT_EQ(*ParseByteSize("4000MiB"), 4000ull << 20);
  EXPECT_EQ(*ParseByteSize("256KiB"), 256u << 10);
  EXPECT_EQ(*ParseByteSize("0x40000"), 0x40000u);
  EXPECT_EQ(*ParseByteSize("512"), 512u);
  EXPECT_FALSE(ParseByteSize("4000M").ok());
  EXPECT_FALSE(ParseByteSize("99999999999999999999GiB").ok());
  EXPECT_FALSE(ParseByteSize("0x10MiB").ok());
}

}  // namespace
}  // namespace hilt::image
