#include "harness/devices/device_safety.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace hilt {
namespace {

namespace fs = std::filesystem;

std::optional<DevNum> ParseDevNum(std::string_view text) {
  unsigned major = 0, minor = 0;
  char colon = 0;
  std::istringstream in{std::string(text)};
  if (!(in >> major >> colon >> minor) || colon != ':') return std::nullopt;
  return DevNum{major, minor};
}

std::optional<std::string> ReadFirstLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

// mountinfo and /proc/swaps escape space, tab, newline and backslash as \ooo.
std::string UnescapeOctal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        s.substr(i + 1, 3).find_first_not_of("01234567") == std::string_view::npos) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Mount {
  DevNum dev;
  std::string mount_point;
  std::string source;
};

StatusOr<std::vector<Mount>> ReadMounts(const SystemRoots& roots) {
  fs::path file = fs::path(roots.proc) / "self/mountinfo";
  std::ifstream in(file);
  if (!in) {
    return Status::InvalidInput(fmt::format(
        "cannot read {} to tell which devices are mounted; refusing to write any device", file.string()));
  }
  std::vector<Mount> mounts;
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    std::istringstream fields(line);
    std::string id, parent, devnum, root, mount_point;
    if (!(fields >> id >> parent >> devnum >> root >> mount_point)) continue;
    std::optional<DevNum> dev = ParseDevNum(devnum);
    if (!dev) continue;
    std::string word, fstype, source;
    while (fields >> word && word != "-") {}
    fields >> fstype >> source;
    mounts.push_back({*dev, UnescapeOctal(mount_point), UnescapeOctal(source)});
  }
  return mounts;
}

// The block devices sysfs knows, by kernel name ("sda", "sda1", "dm-0",
// "loop3"), read from <sys>/class/block/<name>/{dev,partition,holders,slaves}.
class BlockTree {
 public:
  explicit BlockTree(const SystemRoots& roots) : base_(fs::path(roots.sys) / "class/block") {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base_, ec)) {
      std::string name = entry.path().filename().string();
      if (auto line = ReadFirstLine(entry.path() / "dev")) {
        if (auto dev = ParseDevNum(*line)) devs_[name] = *dev;
      }
      if (auto dm = ReadFirstLine(entry.path() / "dm/name")) dm_names_[*dm] = name;
    }
  }

  std::optional<std::string> NameOf(DevNum dev) const {
    for (const auto& [name, d] : devs_) {
      if (d == dev) return name;
    }
    return std::nullopt;
  }
  std::optional<DevNum> DevOf(const std::string& name) const {
    auto it = devs_.find(name);
    if (it == devs_.end()) return std::nullopt;
    return it->second;
  }
  // "/dev/sdb1" → "sdb1", "/dev/mapper/root" → "dm-0".
  std::optional<std::string> NameOfPath(const std::string& dev_path) const {
    if (dev_path.rfind("/dev/", 0) != 0) return std::nullopt;
    std::string base = fs::path(dev_path).filename().string();
    if (dev_path.rfind("/dev/mapper/", 0) == 0) {
      auto it = dm_names_.find(base);
      if (it != dm_names_.end()) return it->second;
    }
    if (devs_.count(base)) return base;
    return std::nullopt;
  }
  bool IsPartition(const std::string& name) const { return fs::exists(base_ / name / "partition"); }
  std::vector<std::string> Partitions(const std::string& name) const {
    std::vector<std::string> parts;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base_ / name, ec)) {
      if (fs::exists(entry.path() / "partition")) parts.push_back(entry.path().filename().string());
    }
    return parts;
  }
  std::optional<std::string> DiskOf(const std::string& partition) const {
    if (!IsPartition(partition)) return std::nullopt;
    for (const auto& [name, dev] : devs_) {
      if (name != partition && fs::exists(base_ / name / partition / "partition")) return name;
    }
    return std::nullopt;
  }
  std::vector<std::string> Listed(const std::string& name, const char* sub) const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base_ / name / sub, ec)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
  std::optional<std::string> LoopBackingFile(const std::string& name) const {
    auto file = ReadFirstLine(base_ / name / "loop/backing_file");
    if (!file) return std::nullopt;
    const std::string deleted = " (deleted)";
    if (file->size() > deleted.size() &&
        file->compare(file->size() - deleted.size(), deleted.size(), deleted) == 0) {
      file->resize(file->size() - deleted.size());
    }
    return file;
  }

 private:
  fs::path base_;
  std::map<std::string, DevNum> devs_;
  std::map<std::string, std::string> dm_names_;  // dm/name → "dm-N"
};

std::string Label(const BlockTree& tree, const std::string& name) {
  auto dev = tree.DevOf(name);
  return dev ? fmt::format("{} ({})", name, dev->ToString()) : name;
}

// The device, its partitions, and everything stacked on any of them.
std::set<std::string> UsersOf(const BlockTree& tree, const std::string& name) {
  std::set<std::string> family;
  std::vector<std::string> todo = {name};
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    if (!family.insert(n).second) continue;
    for (auto& p : tree.Partitions(n)) todo.push_back(p);
    for (auto& h : tree.Listed(n, "holders")) todo.push_back(h);
  }
  return family;
}

// The mount whose mount point is the longest prefix of `file`.
const Mount* MountHolding(const std::vector<Mount>& mounts, const std::string& file) {
  const Mount* best = nullptr;
  for (const auto& m : mounts) {
    const std::string& mp = m.mount_point;
    bool prefix = mp == "/" ? file.rfind('/', 0) == 0
                            : file.rfind(mp, 0) == 0 && (file.size() == mp.size() || file[mp.size()] == '/');
    if (prefix && (!best || mp.size() > best->mount_point.size())) best = &m;
  }
  return best;
}

std::optional<std::string> NameOfMount(const BlockTree& tree, const Mount& m) {
  if (auto name = tree.NameOf(m.dev)) return name;
  return tree.NameOfPath(m.source);  // btrfs and others report an anonymous 0:N
}

// Every block device that / rests on: its device, the disks of partitions,
// dm/md slaves, and for loop devices the device of their backing file.
std::set<std::string> RootDevices(const BlockTree& tree, const std::vector<Mount>& mounts) {
  std::set<std::string> found;
  std::vector<std::string> todo;
  for (const auto& m : mounts) {
    if (m.mount_point != "/") continue;
    if (auto name = NameOfMount(tree, m)) todo.push_back(*name);
  }
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    if (!found.insert(n).second) continue;
    if (auto disk = tree.DiskOf(n)) todo.push_back(*disk);
    for (auto& s : tree.Listed(n, "slaves")) todo.push_back(s);
    if (auto file = tree.LoopBackingFile(n)) {
      if (const Mount* m = MountHolding(mounts, *file)) {
        if (auto name = NameOfMount(tree, *m)) todo.push_back(*name);
      }
    }
  }
  return found;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string DevNum::ToString() const { return fmt::format("{}:{}", major, minor); }

Status CheckNotInUse(DevNum dev, const std::string& path, const SystemRoots& roots) {
  BlockTree tree(roots);
  StatusOr<std::vector<Mount>> mounts = ReadMounts(roots);
  if (!mounts.ok()) return mounts.status();
  std::optional<std::string> name = tree.NameOf(dev);
  std::set<std::string> family;
  if (name) family = UsersOf(tree, *name);
  auto in_family = [&](const Mount& m) {
    if (m.dev == dev) return true;
    auto n = NameOfMount(tree, m);
    return n && family.count(*n) > 0;
  };
  for (const auto& m : *mounts) {
    if (!in_family(m)) continue;
    auto n = NameOfMount(tree, m);
    return Status::InvalidInput(fmt::format(
        "refusing to write {}: {} is mounted on {}; unmount it first", path,
        n ? Label(tree, *n) : m.dev.ToString(), m.mount_point));
  }
  std::ifstream swaps(fs::path(roots.proc) / "swaps");
  std::string line;
  std::getline(swaps, line);  // header
  while (std::getline(swaps, line)) {
    std::istringstream fields(line);
    std::string file;
    if (!(fields >> file)) continue;
    file = UnescapeOctal(file);
    auto n = tree.NameOfPath(file);
    if (n && family.count(*n)) {
      return Status::InvalidInput(fmt::format(
          "refusing to write {}: {} is in use as swap; swapoff it first", path, file));
    }
  }
  return Status::Ok();
}

Status CheckNotRootDisk(DevNum dev, const std::string& path, const SystemRoots& roots) {
  BlockTree tree(roots);
  StatusOr<std::vector<Mount>> mounts = ReadMounts(roots);
  if (!mounts.ok()) return mounts.status();
  std::set<std::string> root = RootDevices(tree, *mounts);
  std::optional<std::string> name = tree.NameOf(dev);
  if (!name) return Status::Ok();  // not in sysfs: cannot be what / rests on
  std::set<std::string> touched = UsersOf(tree, *name);
  if (auto disk = tree.DiskOf(*name)) touched.insert(*disk);
  for (const auto& n : touched) {
    if (root.count(n)) {
      return Status::InvalidInput(fmt::format(
          "refusing to write {}: it holds the root file system (/ rests on {})", path,
          Label(tree, n)));
    }
  }
  return Status::Ok();
}

Status CheckAllowed(const std::string& path, const FlashPermission& permission) {
  if (permission.force) return Status::Ok();
  struct stat target {};
  bool target_is_block = ::stat(path.c_str(), &target) == 0 && S_ISBLK(target.st_mode);
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  for (const auto& entry : permission.allow) {
    if (entry == path) return Status::Ok();
    struct stat st {};
    if (target_is_block && ::stat(entry.c_str(), &st) == 0 && S_ISBLK(st.st_mode) &&
        st.st_rdev == target.st_rdev) {
      return Status::Ok();
    }
    std::error_code ec2;
    if (!ec && fs::weakly_canonical(entry, ec2) == canonical && !ec2) return Status::Ok();
  }
  if (permission.allow.empty()) {
    return Status::InvalidInput(fmt::format(
        "refusing to write {}: no device is allowed (the allow-list is empty); name it with "
        "--allow {}, or pass --force",
        path, path));
  }
  return Status::InvalidInput(fmt::format(
      "refusing to write {}: it is not in the allow-list ({}); name it with --allow, or pass "
      "--force",
      path, Join(permission.allow)));
}

Status CheckFlashTarget(const std::string& path, const FlashPermission& permission,
                        const SystemRoots& roots) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return Status::InvalidInput(fmt::format("{}: {}", path, std::strerror(errno)));
    }
    // A new image file is fine; a missing /dev node is a typo that must not
    // become a regular file in /dev.
    if (path.rfind("/dev/", 0) == 0) {
      return Status::NotFound(fmt::format("{}: no such device", path));
    }
    return Status::Ok();
  }
  if (S_ISREG(st.st_mode)) return Status::Ok();
  if (!S_ISBLK(st.st_mode)) {
    return Status::InvalidInput(
        fmt::format("refusing to write {}: neither a block device nor a regular file", path));
  }
  DevNum dev{::major(st.st_rdev), ::minor(st.st_rdev)};
  HILT_RETURN_IF_ERROR(CheckNotInUse(dev, path, roots));
  HILT_RETURN_IF_ERROR(CheckNotRootDisk(dev, path, roots));
  return CheckAllowed(path, permission);
}

}  // namespace hilt
