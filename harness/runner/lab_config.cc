#include "harness/runner/lab_config.h"

#include <unistd.h>

#include <filesystem>
#include <set>

#include "harness/runner/lab_parser.h"

namespace fs = std::filesystem;

namespace hilt {
namespace {

std::string SelfBinDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

Status ParseBuild(const LabParser& p, const YAML::Node& n, std::vector<BuildStep>* steps) {
  const YamlDoc& doc = p.doc();
  if (!n.IsSequence()) return doc.Error(n, "build must be a list of steps");
  std::set<std::string> names, outputs;
  for (const auto& s : n) {
    BuildStep step;
    step.where = doc.Where(s);
    HILT_RETURN_IF_ERROR(doc.CheckMap(s, "build step", {"name", "run", "outputs", "timeout"}));
    HILT_RETURN_IF_ERROR(p.Require(s, "name", "build step"));
    HILT_RETURN_IF_ERROR(p.Require(s, "run", "build step"));
    HILT_ASSIGN(step.name, p.Str(s["name"], "build step name"));
    if (!names.insert(step.name).second) {
      return doc.Error(s["name"], "duplicate build step name '" + step.name + "'");
    }
    HILT_ASSIGN(step.run, p.Command(s["run"], "build step run"));
    HILT_ASSIGN(step.timeout, p.OptDuration(s, "timeout", "build step timeout", step.timeout));
    if (YAML::Node outs = s["outputs"]; outs.IsDefined()) {
      if (!outs.IsMap()) return doc.Error(outs, "outputs must map names to files");
      for (const auto& kv : outs) {
        std::string key = kv.first.Scalar();
        if (!outputs.insert(key).second) {
          return doc.Error(kv.first, "build output '" + key + "' is produced by two steps");
        }
        HILT_ASSIGN(step.outputs[key], p.Path(kv.second, "build output '" + key + "'"));
      }
    }
    steps->push_back(std::move(step));
  }
  return Status::Ok();
}

StatusOr<ImageConfig> ParseImage(const LabParser& p, const YAML::Node& n,
                                 const std::vector<BuildStep>& build) {
  const YamlDoc& doc = p.doc();
  ImageConfig img;
  img.where = doc.Where(n);
  HILT_RETURN_IF_ERROR(doc.CheckMap(n, "image", {"layout", "parts"}));
  HILT_RETURN_IF_ERROR(p.Require(n, "layout", "image"));
  HILT_RETURN_IF_ERROR(p.Require(n, "parts", "image"));
  HILT_ASSIGN(img.layout, p.Path(n["layout"], "image layout"));
  YAML::Node parts = n["parts"];
  if (!parts.IsMap() || parts.size() == 0) {
    return doc.Error(parts, "image parts must map layout parts to build outputs (bl2: bl2)");
  }
  for (const auto& kv : parts) {
    std::string output;
    HILT_ASSIGN(output, p.Str(kv.second, "image part"));
    bool known = false;
    for (const auto& step : build) known = known || step.outputs.count(output);
    if (!known) {
      return doc.Error(kv.second, "image part '" + kv.first.Scalar() + "' names build output '" +
                                      output + "', which no build step produces");
    }
    img.parts[kv.first.Scalar()] = output;
  }
  return img;
}

Status ParseTimeouts(const LabParser& p, const YAML::Node& n, LabTimeouts* t) {
  HILT_RETURN_IF_ERROR(p.doc().CheckMap(
      n, "timeouts", {"power", "mux", "block-device", "flash", "cleanup"}));
  HILT_ASSIGN(t->power, p.OptDuration(n, "power", "power timeout", t->power));
  HILT_ASSIGN(t->mux, p.OptDuration(n, "mux", "mux timeout", t->mux));
  HILT_ASSIGN(t->block_device, p.OptDuration(n, "block-device", "block-device timeout", t->block_device));
  HILT_ASSIGN(t->flash, p.OptDuration(n, "flash", "flash timeout", t->flash));
  HILT_ASSIGN(t->cleanup, p.OptDuration(n, "cleanup", "cleanup timeout", t->cleanup));
  return Status::Ok();
}

Status ParseLimits(const LabParser& p, const YAML::Node& n, LabLimits* limits) {
  const YamlDoc& doc = p.doc();
  HILT_RETURN_IF_ERROR(doc.CheckMap(n, "limits", {"console-log"}));
  if (YAML::Node log = n["console-log"]; log.IsDefined()) {
    std::string text;
    HILT_ASSIGN(text, p.Str(log, "limits console-log"));
    auto size = ParseByteSize(text);
    if (!size.ok()) return doc.Error(log, "limits console-log: " + size.status().message());
    if (*size < 1024) return doc.Error(log, "limits console-log must be at least 1KiB");
    limits->console_log = *size;
  }
  return Status::Ok();
}

StatusOr<LabConfig> Parse(const YamlDoc& doc) {
  const YAML::Node& root = doc.root();
  HILT_RETURN_IF_ERROR(doc.CheckMap(root, "lab config", {"state-dir", "boards", "build", "image", "timeouts", "limits"}));
  LabConfig lab;
  lab.file = doc.file();
  std::error_code ec;
  lab.lab_dir = fs::absolute(fs::path(doc.file()).parent_path(), ec).lexically_normal().string();
  if (!lab.lab_dir.empty() && lab.lab_dir.size() > 1 && lab.lab_dir.back() == '/') lab.lab_dir.pop_back();

  LabParser p(doc);
  p.SetBuiltin("LAB_DIR", lab.lab_dir);
  p.SetBuiltin("HILT_BIN_DIR", SelfBinDir());
  if (root["state-dir"].IsDefined()) {
    HILT_ASSIGN(lab.state_dir, p.Path(root["state-dir"], "state-dir"));
  } else if (const char* env = std::getenv("HILT_STATE_DIR"); env && *env) {
    lab.state_dir = fs::absolute(env, ec).lexically_normal().string();
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    lab.state_dir = (fs::path(home) / ".cache" / "hilt").string();
  } else {
    return doc.Error(root, "no state-dir, and neither HILT_STATE_DIR nor HOME is set");
  }
  p.SetBuiltin("STATE_DIR", lab.state_dir);
  p.SetBuiltin("BUILD_DIR", lab.state_dir + "/build");

  YAML::Node boards = root["boards"];
  if (!boards.IsDefined() || !boards.IsMap() || boards.size() == 0) {
    return doc.Error(boards.IsDefined() ? boards : root, "lab config needs 'boards:', a map of board names");
  }
  for (const auto& kv : boards) {
    std::string name = kv.first.Scalar();
    if (name.empty() || name.find_first_of("/ \t") != std::string::npos) {
      return doc.Error(kv.first, "board name '" + name + "' must be a plain word (it names files)");
    }
    for (const auto& b : lab.boards) {
      if (b.name == name) return doc.Error(kv.first, "duplicate board '" + name + "'");
    }
    BoardConfig board;
    HILT_ASSIGN(board, ParseBoard(p, name, kv.second));
    lab.boards.push_back(std::move(board));
  }
  if (root["build"].IsDefined()) HILT_RETURN_IF_ERROR(ParseBuild(p, root["build"], &lab.build));
  if (root["image"].IsDefined()) {
    ImageConfig img;
    HILT_ASSIGN(img, ParseImage(p, root["image"], lab.build));
    lab.image = std::move(img);
  }
  if (root["timeouts"].IsDefined()) HILT_RETURN_IF_ERROR(ParseTimeouts(p, root["timeouts"], &lab.timeouts));
  if (root["limits"].IsDefined()) HILT_RETURN_IF_ERROR(ParseLimits(p, root["limits"], &lab.limits));
  return lab;
}

}  // namespace

StatusOr<const BoardConfig*> LabConfig::FindBoard(const std::string& name) const {
  std::string names;
  for (const auto& b : boards) {
    if (b.name == name || (name.empty() && boards.size() == 1)) return &b;
    names += (names.empty() ? "" : ", ") + b.name;
  }
  if (name.empty()) {
    return Status::InvalidInput(file + ": the lab has several boards; pick one with --board (" + names + ")");
  }
  return Status::InvalidInput(file + ": no board '" + name + "' (the lab has: " + names + ")");
}

std::string LabConfig::OutputPath(const std::string& output) const {
  for (const auto& step : build) {
    auto it = step.outputs.find(output);
    if (it != step.outputs.end()) return it->second;
  }
  return "";
}

StatusOr<LabConfig> LoadLabConfigFile(const std::string& path) {
  auto doc = YamlDoc::LoadFile(path);
  if (!doc.ok()) return doc.status();
  return Parse(*doc);
}

StatusOr<LabConfig> LoadLabConfigString(const std::string& text, const std::string& file) {
  auto doc = YamlDoc::LoadString(text, file);
  if (!doc.ok()) return doc.status();
  return Parse(*doc);
}

}  // namespace hilt
