// Parsing of one `boards:` entry: its console, power switch, SD mux and
// services. Each device type has its own keys; mistakes point at the node.
#include <string>

#include "harness/runner/lab_parser.h"

namespace hilt {
namespace {

Status ParseGpio(const LabParser& p, const YAML::Node& n, std::string_view what,
                 GpioLineConfig* gpio) {
  HILT_RETURN_IF_ERROR(p.Require(n, "chip", what));
  HILT_RETURN_IF_ERROR(p.Require(n, "line", what));
  HILT_ASSIGN(gpio->chip, p.Str(n["chip"], std::string(what) + " chip"));
  HILT_ASSIGN(gpio->line, p.Str(n["line"], std::string(what) + " line"));
  HILT_ASSIGN(gpio->active_low, p.OptBool(n, "active-low", std::string(what) + " active-low", false));
  return Status::Ok();
}

StatusOr<ConsoleConfig> ParseConsole(const LabParser& p, const YAML::Node& n) {
  const YamlDoc& doc = p.doc();
  ConsoleConfig c;
  c.where = doc.Where(n);
  if (!n.IsMap()) return doc.Error(n, "console must be a map");
  HILT_RETURN_IF_ERROR(p.Require(n, "type", "console"));
  HILT_ASSIGN(c.type, p.Str(n["type"], "console type"));
  if (c.type == "serial") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "serial console", {"type", "path", "baud"}));
    HILT_RETURN_IF_ERROR(p.Require(n, "path", "serial console"));
    HILT_ASSIGN(c.path, p.Path(n["path"], "console path"));
    if (n["baud"].IsDefined()) {
      auto baud = doc.Unsigned(n["baud"], "console baud");
      if (!baud.ok()) return baud.status();
      if (*baud < 50 || *baud > 4000000) return doc.Error(n["baud"], "console baud out of range");
      c.baud = static_cast<unsigned>(*baud);
    }
  } else if (c.type == "socket") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "socket console", {"type", "address", "started-by-power"}));
    HILT_ASSIGN(c.started_by_power, p.OptBool(n, "started-by-power", "console started-by-power", false));
    HILT_RETURN_IF_ERROR(p.Require(n, "address", "socket console"));
    HILT_ASSIGN(c.address, p.Str(n["address"], "console address"));
    if (c.address.rfind("unix:", 0) != 0 && c.address.rfind("tcp:", 0) != 0) {
      return doc.Error(n["address"], "console address must be unix:PATH or tcp:HOST:PORT, not '" +
                                         c.address + "'");
    }
  } else {
    return doc.Error(n["type"], "console type must be serial or socket, not '" + c.type + "'");
  }
  return c;
}

StatusOr<PowerConfig> ParsePower(const LabParser& p, const YAML::Node& n) {
  const YamlDoc& doc = p.doc();
  PowerConfig pw;
  pw.where = doc.Where(n);
  if (!n.IsMap()) return doc.Error(n, "power must be a map");
  HILT_RETURN_IF_ERROR(p.Require(n, "type", "power"));
  HILT_ASSIGN(pw.type, p.Str(n["type"], "power type"));
  if (pw.type == "gpio") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "gpio power", {"type", "chip", "line", "active-low", "off-time"}));
    HILT_RETURN_IF_ERROR(ParseGpio(p, n, "gpio power", &pw.gpio));
  } else if (pw.type == "command") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "command power", {"type", "on", "off", "off-time"}));
    HILT_RETURN_IF_ERROR(p.Require(n, "on", "command power"));
    HILT_RETURN_IF_ERROR(p.Require(n, "off", "command power"));
    HILT_ASSIGN(pw.on_command, p.Command(n["on"], "power on command"));
    HILT_ASSIGN(pw.off_command, p.Command(n["off"], "power off command"));
  } else if (pw.type == "process") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "process power",
                                      {"type", "run", "pidfile", "ready", "log", "stop-grace", "off-time"}));
    HILT_RETURN_IF_ERROR(p.Require(n, "run", "process power"));
    HILT_RETURN_IF_ERROR(p.Require(n, "pidfile", "process power"));
    HILT_ASSIGN(pw.run_command, p.Command(n["run"], "power run command"));
    HILT_ASSIGN(pw.pidfile, p.Path(n["pidfile"], "power pidfile"));
    if (n["ready"].IsDefined()) HILT_ASSIGN(pw.ready_path, p.Path(n["ready"], "power ready"));
    pw.log_path = pw.pidfile + ".log";
    if (n["log"].IsDefined()) HILT_ASSIGN(pw.log_path, p.Path(n["log"], "power log"));
    HILT_ASSIGN(pw.stop_grace, p.OptDuration(n, "stop-grace", "power stop-grace", pw.stop_grace));
  } else {
    return doc.Error(n["type"], "power type must be gpio, command or process, not '" + pw.type + "'");
  }
  HILT_ASSIGN(pw.off_time, p.OptDuration(n, "off-time", "power off-time", pw.off_time));
  return pw;
}

StatusOr<MuxConfig> ParseMux(const LabParser& p, const YAML::Node& n) {
  const YamlDoc& doc = p.doc();
  MuxConfig m;
  m.where = doc.Where(n);
  if (!n.IsMap()) return doc.Error(n, "mux must be a map");
  HILT_RETURN_IF_ERROR(p.Require(n, "type", "mux"));
  HILT_ASSIGN(m.type, p.Str(n["type"], "mux type"));
  if (m.type == "gpio") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "gpio mux", {"type", "chip", "line", "active-low"}));
    HILT_RETURN_IF_ERROR(ParseGpio(p, n, "gpio mux", &m.gpio));
  } else if (m.type == "usbsdmux") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "usbsdmux mux", {"type", "device"}));
    HILT_RETURN_IF_ERROR(p.Require(n, "device", "usbsdmux mux"));
    HILT_ASSIGN(m.device, p.Path(n["device"], "usbsdmux device"));
  } else if (m.type == "sdwire") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "sdwire mux", {"type", "serial"}));
    HILT_RETURN_IF_ERROR(p.Require(n, "serial", "sdwire mux"));
    HILT_ASSIGN(m.serial, p.Str(n["serial"], "sdwire serial"));
  } else if (m.type == "command") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "command mux", {"type", "host", "dut"}));
    HILT_RETURN_IF_ERROR(p.Require(n, "host", "command mux"));
    HILT_RETURN_IF_ERROR(p.Require(n, "dut", "command mux"));
    HILT_ASSIGN(m.host_command, p.Command(n["host"], "mux host command"));
    HILT_ASSIGN(m.dut_command, p.Command(n["dut"], "mux dut command"));
  } else if (m.type == "none") {
    HILT_RETURN_IF_ERROR(doc.CheckMap(n, "mux of type none", {"type"}));
  } else {
    return doc.Error(n["type"], "mux type must be gpio, usbsdmux, sdwire, command or none, not '" +
                                    m.type + "'");
  }
  return m;
}

StatusOr<ServiceConfig> ParseService(const LabParser& p, const YAML::Node& n) {
  const YamlDoc& doc = p.doc();
  ServiceConfig s;
  s.where = doc.Where(n);
  HILT_RETURN_IF_ERROR(doc.CheckMap(n, "service", {"name", "run", "ready", "ready-timeout"}));
  HILT_RETURN_IF_ERROR(p.Require(n, "name", "service"));
  HILT_RETURN_IF_ERROR(p.Require(n, "run", "service"));
  HILT_ASSIGN(s.name, p.Str(n["name"], "service name"));
  HILT_ASSIGN(s.run, p.Command(n["run"], "service run"));
  if (n["ready"].IsDefined()) HILT_ASSIGN(s.ready_path, p.Path(n["ready"], "service ready"));
  HILT_ASSIGN(s.ready_timeout, p.OptDuration(n, "ready-timeout", "service ready-timeout", s.ready_timeout));
  return s;
}

}  // namespace

StatusOr<BoardConfig> ParseBoard(const LabParser& p, const std::string& name,
                                 const YAML::Node& n) {
  const YamlDoc& doc = p.doc();
  BoardConfig b;
  b.name = name;
  b.where = doc.Where(n);
  HILT_RETURN_IF_ERROR(doc.CheckMap(n, "board", {"type", "console", "power", "mux", "block-device", "services"}));
  for (const char* key : {"type", "console", "power", "mux", "block-device"}) {
    HILT_RETURN_IF_ERROR(p.Require(n, key, "board '" + name + "'"));
  }
  HILT_ASSIGN(b.type, p.Str(n["type"], "board type"));
  HILT_ASSIGN(b.console, ParseConsole(p, n["console"]));
  HILT_ASSIGN(b.power, ParsePower(p, n["power"]));
  HILT_ASSIGN(b.mux, ParseMux(p, n["mux"]));
  HILT_ASSIGN(b.block_device, p.Path(n["block-device"], "block-device"));
  if (b.mux.type == "none" && b.block_device.rfind("/dev/", 0) == 0) {
    // Without a mux the host writes the card whenever it flashes: only a
    // file the board reads at power on (QEMU's flash) is never shared.
    return doc.Error(n["block-device"], "a board without a mux (mux type none) has its card in a file, not " +
                                            b.block_device + ": a card in a reader needs a mux to reach the board");
  }
  if (YAML::Node services = n["services"]; services.IsDefined()) {
    if (!services.IsSequence()) return doc.Error(services, "services must be a list");
    for (const auto& s : services) {
      ServiceConfig service;
      HILT_ASSIGN(service, ParseService(p, s));
      b.services.push_back(std::move(service));
    }
  }
  return b;
}

}  // namespace hilt
