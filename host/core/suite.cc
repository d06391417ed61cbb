#include "hil/core/suite.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

#include "hil/core/file.h"
#include "hil/core/sha256.h"
#include "hil/core/yaml_file.h"

namespace hil {
namespace {

// A relative path without a '..' part: joined to a folder, it stays inside it.
bool StaysInside(const std::filesystem::path& p) {
  if (!p.is_relative()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

// Walks a parsed document and turns every problem into "file:line: field: what".
class Parser {
 public:
  Parser(const std::string& file, SuitePaths paths) : file_(file), paths_(paths) {}

  // `p` (the value of `field` at node n) joined with base_dir. Confined: relative and without a '..'
  // part, so it stays inside base_dir (whose files the API wrote itself: no symlinks).
  Result<std::string> Resolve(const YAML::Node& n, const std::string& field, const std::string& p, const std::string& base_dir) const {
    const std::filesystem::path path(p);
    if (paths_ == SuitePaths::kConfined) {
      if (p.empty() || p.find('\0') != std::string::npos || !StaysInside(path))
        return Bad(n, field, "'" + p + "' is not one of the suite's uploaded files (a suite sent to the farm names only the files it "
                             "uploads, by relative path)");
    }
    return path.is_absolute() ? path.string() : (std::filesystem::path(base_dir) / path).lexically_normal().string();
  }

  std::unexpected<Error> Bad(const YAML::Node& at, const std::string& field, const std::string& what) const {
    return Fail(Status::kBadArgument, file_ + ":" + std::to_string(Line(at)) + ": " + field + ": " + what);
  }
  static int Line(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
  }

  // Every key of `map` must be in `allowed`.
  Result<void> CheckKeys(const YAML::Node& map, const std::string& field, std::initializer_list<const char*> allowed) const {
    std::set<std::string> ok;
    for (const char* a : allowed) ok.insert(a);
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (!ok.contains(key)) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Bad(it->first, field.empty() ? key : field + "." + key, "unknown field (expected one of: " + list + ")");
      }
    }
    return {};
  }

  Result<YAML::Node> Map(const YAML::Node& node, const std::string& field) const {
    if (!node.IsMap()) return Bad(node, field, "expected a mapping");
    return node;
  }

  Result<std::string> String(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar() || node.Scalar().empty()) return Bad(node, field, "expected a non-empty string");
    return node.Scalar();
  }

  Result<int64_t> Integer(const YAML::Node& node, const std::string& field, int64_t lo, int64_t hi) const {
    const std::string range = "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
    if (!node.IsScalar()) return Bad(node, field, range);
    const std::string& text = node.Scalar();
    int64_t value = 0;
    size_t used = 0;
    try {
      value = std::stoll(text, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || value < lo || value > hi) return Bad(node, field, range + ", got '" + text + "'");
    return value;
  }

  Result<double> Number(const YAML::Node& node, const std::string& field, double lo, double hi) const {
    const std::string range = "expected a number in " + std::to_string(static_cast<int64_t>(lo)) + ".." +
                              std::to_string(static_cast<int64_t>(hi));
    if (!node.IsScalar()) return Bad(node, field, range);
    const std::string& text = node.Scalar();
    double value = 0;
    size_t used = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || !(value >= lo && value <= hi)) return Bad(node, field, range + ", got '" + text + "'");
    return value;
  }

  Result<uint64_t> Seed(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return Bad(node, field, "expected an unsigned integer seed");
    const std::string& text = node.Scalar();
    size_t used = 0;
    uint64_t value = 0;
    try {
      if (!text.empty() && text[0] != '-') value = std::stoull(text, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size()) return Bad(node, field, "expected an unsigned integer seed, got '" + text + "'");
    return value;
  }

  // Every job is planned (and, on a farm, queued) before any runs, so a short suite with long lists must
  // not plan millions: `boards: [a, a, ...]` x `settings: [{}, {}, ...]` was 9e6 jobs from 42 KiB.
  // Each list has at most kMaxYamlNodes entries, so the product fits 64 bits.
  Result<void> CheckPlanSize(const YAML::Node& root, const Suite& suite) const {
    const uint64_t jobs = uint64_t{suite.models.size()} * suite.boards.size() * suite.settings.size();
    if (jobs <= kMaxSuiteJobs) return {};
    return Bad(root, "(top level)", std::to_string(suite.models.size()) + " models x " + std::to_string(suite.boards.size()) +
                                        " board kinds x " + std::to_string(suite.settings.size()) + " settings plan " +
                                        std::to_string(jobs) + " jobs, more than the " + std::to_string(kMaxSuiteJobs) +
                                        " a suite may have");
  }

  // One settings entry; `engine` may be a list, which makes one Settings per engine (in its order).
  Result<std::vector<Settings>> ParseSettings(const YAML::Node& node, const std::string& field) const {
    if (!node.IsMap()) return Bad(node, field, "expected a mapping with warmup, iterations, repetitions, link, kernel, engine");
    if (auto ok = CheckKeys(node, field, {"warmup", "iterations", "repetitions", "link", "kernel", "engine"}); !ok)
      return std::unexpected(ok.error());
    Settings s;
    if (node["kernel"]) {
      auto v = String(node["kernel"], field + ".kernel");
      if (!v) return std::unexpected(v.error());
      if (*v != "ref" && *v != "dsp" && *v != "mve" && *v != "auto")
        return Bad(node["kernel"], field + ".kernel", "expected ref, dsp, mve or auto, got '" + *v + "'");
      s.kernel = *v;
    }
    std::vector<std::string> engines;
    if (const YAML::Node e = node["engine"]) {
      std::vector<YAML::Node> items;
      if (e.IsSequence()) {
        if (e.size() == 0) return Bad(e, field + ".engine", "expected tinyhil, tflm or a list of them, got an empty list");
        for (size_t i = 0; i < e.size(); ++i) items.push_back(e[i]);
      } else {
        items.push_back(e);
      }
      for (size_t i = 0; i < items.size(); ++i) {
        const std::string where = field + ".engine" + (e.IsSequence() ? "[" + std::to_string(i) + "]" : "");
        auto v = String(items[i], where);
        if (!v) return std::unexpected(v.error());
        if (*v != "tinyhil" && *v != "tflm") return Bad(items[i], where, "expected tinyhil or tflm, got '" + *v + "'");
        if (std::find(engines.begin(), engines.end(), *v) != engines.end())
          return Bad(items[i], where, "engine " + *v + " is listed twice");
        engines.push_back(*v);
      }
    }
    if (node["link"]) {
      auto v = String(node["link"], field + ".link");
      if (!v) return std::unexpected(v.error());
      if (*v != "uart" && *v != "rtt") return Bad(node["link"], field + ".link", "expected uart or rtt, got '" + *v + "'");
      s.link = *v;
    }
    if (node["warmup"]) {
      auto v = Integer(node["warmup"], field + ".warmup", 0, 65535);
      if (!v) return std::unexpected(v.error());
      s.warmup = static_cast<int>(*v);
    }
    if (node["iterations"]) {
      auto v = Integer(node["iterations"], field + ".iterations", 1, 1000000);
      if (!v) return std::unexpected(v.error());
      s.iterations = static_cast<int>(*v);
    }
    if (node["repetitions"]) {
      auto v = Integer(node["repetitions"], field + ".repetitions", 1, 1000);
      if (!v) return std::unexpected(v.error());
      s.repetitions = static_cast<int>(*v);
    }
    if (engines.empty()) return std::vector<Settings>{s};
    std::vector<Settings> each;
    for (const std::string& engine : engines) {
      each.push_back(s);
      each.back().engine = engine;
    }
    return each;
  }

  Result<ModelSpec> ParseModel(const YAML::Node& node, const std::string& field, const std::string& base_dir) const {
    ModelSpec m;
    m.line = Line(node);
    if (node.IsScalar()) {  // shorthand: a path
      m.path = node.Scalar();
    } else {
      if (!node.IsMap()) return Bad(node, field, "expected a mapping with `path` or `generate`");
      if (auto ok = CheckKeys(node, field, {"name", "path", "generate", "seed"}); !ok) return std::unexpected(ok.error());
      const bool has_path = bool(node["path"]);
      const bool has_gen = bool(node["generate"]);
      if (has_path == has_gen) return Bad(node, field, "needs exactly one of `path` or `generate`");
      if (node["name"]) {
        auto v = String(node["name"], field + ".name");
        if (!v) return std::unexpected(v.error());
        m.name = *v;
      }
      if (has_path) {
        auto v = String(node["path"], field + ".path");
        if (!v) return std::unexpected(v.error());
        m.path = *v;
        if (node["seed"]) return Bad(node["seed"], field + ".seed", "only a generated model takes a seed");
      } else {
        auto v = String(node["generate"], field + ".generate");
        if (!v) return std::unexpected(v.error());
        m.source = ModelSpec::Source::kGenerate;
        m.generator = *v;
        if (!node["seed"]) return Bad(node, field + ".seed", "missing (a generated model needs a seed)");
        auto seed = Seed(node["seed"], field + ".seed");
        if (!seed) return std::unexpected(seed.error());
        m.seed = *seed;
        if (m.name.empty()) m.name = m.generator + "-s" + std::to_string(m.seed);
      }
    }
    if (m.source == ModelSpec::Source::kPath) {
      auto resolved = node.IsScalar() ? Resolve(node, field, m.path, base_dir) : Resolve(node["path"], field + ".path", m.path, base_dir);
      if (!resolved) return std::unexpected(resolved.error());
      m.resolved = *resolved;
      if (m.name.empty()) m.name = std::filesystem::path(m.path).stem().string();
    }
    return m;
  }

  Result<Suite> ParseRoot(const YAML::Node& root, const std::string& base_dir) const {
    if (!root.IsMap()) return Bad(root, "(top level)", "expected a mapping with name, models, inputs, boards, settings, checks");
    if (auto ok = CheckKeys(root, "", {"name", "models", "inputs", "boards", "settings", "checks", "regressions", "budgets"}); !ok)
      return std::unexpected(ok.error());
    Suite suite;
    suite.file = file_;

    if (!root["name"]) return Bad(root, "name", "missing");
    auto name = String(root["name"], "name");
    if (!name) return std::unexpected(name.error());
    suite.name = *name;

    const YAML::Node models = root["models"];
    if (!models) return Bad(root, "models", "missing (list at least one model)");
    if (!models.IsSequence() || models.size() == 0) return Bad(models, "models", "expected a non-empty list");
    std::set<std::string> names;
    for (size_t i = 0; i < models.size(); ++i) {
      const std::string field = "models[" + std::to_string(i) + "]";
      auto m = ParseModel(models[i], field, base_dir);
      if (!m) return std::unexpected(m.error());
      if (!names.insert(m->name).second) return Bad(models[i], field + ".name", "duplicate model name '" + m->name + "'");
      suite.models.push_back(*m);
    }

    if (const YAML::Node inputs = root["inputs"]) {
      if (!inputs.IsMap()) return Bad(inputs, "inputs", "expected a mapping like {random: {seed: 1, count: 2}}");
      if (auto ok = CheckKeys(inputs, "inputs", {"random", "files", "folder", "labels"}); !ok) return std::unexpected(ok.error());
      suite.inputs.line = Line(inputs);
      const int kinds = bool(inputs["random"]) + bool(inputs["files"]) + bool(inputs["folder"]);
      if (kinds != 1) return Bad(inputs, "inputs", "needs exactly one of random, files, folder");
      if (inputs["labels"] && !inputs["folder"]) return Bad(inputs["labels"], "inputs.labels", "only a folder of samples takes labels");
      if (const YAML::Node files = inputs["files"]) {
        if (!files.IsSequence() || files.size() == 0) return Bad(files, "inputs.files", "expected a non-empty list of files");
        suite.inputs.source = InputSpec::Source::kFiles;
        for (size_t i = 0; i < files.size(); ++i) {
          const std::string f = "inputs.files[" + std::to_string(i) + "]";
          auto v = String(files[i], f);
          if (!v) return std::unexpected(v.error());
          auto resolved = Resolve(files[i], f, *v, base_dir);
          if (!resolved) return std::unexpected(resolved.error());
          suite.inputs.files.push_back(*resolved);
        }
        suite.inputs.count = static_cast<int>(files.size());
      }
      if (const YAML::Node folder = inputs["folder"]) {
        auto dir = String(folder, "inputs.folder");
        if (!dir) return std::unexpected(dir.error());
        if (!inputs["labels"]) return Bad(inputs, "inputs.labels", "missing (a folder of samples needs a labels file)");
        auto labels = String(inputs["labels"], "inputs.labels");
        if (!labels) return std::unexpected(labels.error());
        suite.inputs.source = InputSpec::Source::kFolder;
        auto labels_file = Resolve(inputs["labels"], "inputs.labels", *labels, base_dir);
        if (!labels_file) return std::unexpected(labels_file.error());
        suite.inputs.labels_file = *labels_file;
        auto folder_path = Resolve(folder, "inputs.folder", *dir, base_dir);
        if (!folder_path) return std::unexpected(folder_path.error());
        auto labels_text = ReadRegularFile(suite.inputs.labels_file, kMaxTextFileBytes);
        if (!labels_text) return Bad(inputs["labels"], "inputs.labels", "cannot read " + labels_text.error().message);
        std::istringstream in(*labels_text);
        std::string text;
        int line_no = 0;
        while (std::getline(in, text)) {
          ++line_no;
          const std::string where = suite.inputs.labels_file + ":" + std::to_string(line_no) + ": ";
          if (text.empty() || text[0] == '#') continue;
          std::istringstream fields(text);
          std::string file, label, extra;
          fields >> file >> label;
          int value = -1;
          size_t used = 0;
          try {
            value = std::stoi(label, &used);
          } catch (const std::exception&) {
            used = 0;
          }
          if (file.empty() || used == 0 || used != label.size() || value < 0 || (fields >> extra))
            return Fail(Status::kBadArgument, where + "expected '<file> <class index>', got '" + text + "'");
          if (paths_ == SuitePaths::kConfined) {
            if (!StaysInside(file)) return Fail(Status::kBadArgument, where + "sample '" + file + "' is not inside the uploaded folder");
          }
          suite.inputs.files.push_back((std::filesystem::path(*folder_path) / file).lexically_normal().string());
          suite.inputs.labels.push_back(value);
        }
        if (suite.inputs.files.empty()) return Bad(inputs["labels"], "inputs.labels", suite.inputs.labels_file + " lists no samples");
        suite.inputs.count = static_cast<int>(suite.inputs.files.size());
      }
      if (const YAML::Node random = inputs["random"]) {
        if (!random.IsMap()) return Bad(random, "inputs.random", "expected a mapping with seed and count");
        if (auto ok = CheckKeys(random, "inputs.random", {"seed", "count"}); !ok) return std::unexpected(ok.error());
        if (random["seed"]) {
          auto v = Seed(random["seed"], "inputs.random.seed");
          if (!v) return std::unexpected(v.error());
          suite.inputs.seed = *v;
        }
        if (random["count"]) {
          auto v = Integer(random["count"], "inputs.random.count", 1, 1000);
          if (!v) return std::unexpected(v.error());
          suite.inputs.count = static_cast<int>(*v);
        }
      }
    }

    const YAML::Node boards = root["boards"];
    if (!boards) return Bad(root, "boards", "missing (list at least one board kind)");
    if (boards.IsScalar()) {
      suite.boards.push_back({boards.Scalar(), Line(boards)});
    } else {
      if (!boards.IsSequence() || boards.size() == 0) return Bad(boards, "boards", "expected a non-empty list of board kinds");
      for (size_t i = 0; i < boards.size(); ++i) {
        auto v = String(boards[i], "boards[" + std::to_string(i) + "]");
        if (!v) return std::unexpected(v.error());
        suite.boards.push_back({*v, Line(boards[i])});
      }
    }

    if (const YAML::Node settings = root["settings"]) {
      if (settings.IsSequence()) {
        if (settings.size() == 0) return Bad(settings, "settings", "expected a non-empty list");
        for (size_t i = 0; i < settings.size(); ++i) {
          auto s = ParseSettings(settings[i], "settings[" + std::to_string(i) + "]");
          if (!s) return std::unexpected(s.error());
          suite.settings.insert(suite.settings.end(), s->begin(), s->end());
        }
      } else {
        auto s = ParseSettings(settings, "settings");
        if (!s) return std::unexpected(s.error());
        suite.settings = std::move(*s);
      }
    } else {
      suite.settings.push_back(Settings{});
    }
    if (auto ok = CheckPlanSize(root, suite); !ok) return std::unexpected(ok.error());

    if (const YAML::Node checks = root["checks"]) {
      if (!checks.IsMap()) return Bad(checks, "checks", "expected a mapping like {outputs: host-reference}");
      if (auto ok = CheckKeys(checks, "checks", {"outputs", "top1", "auc"}); !ok) return std::unexpected(ok.error());
      if (const YAML::Node auc = checks["auc"]) {
        auto v = Number(auc, "checks.auc", 0, 1);
        if (!v) return std::unexpected(v.error());
        if (suite.inputs.source != InputSpec::Source::kFolder)
          return Bad(auc, "checks.auc", "needs labelled inputs (inputs: {folder: ..., labels: ...}, labels 0 normal / 1 anomalous)");
        suite.checks.min_auc = *v;
      }
      if (const YAML::Node top1 = checks["top1"]) {
        auto v = Number(top1, "checks.top1", 0, 1);
        if (!v) return std::unexpected(v.error());
        if (suite.inputs.source != InputSpec::Source::kFolder)
          return Bad(top1, "checks.top1", "needs labelled inputs (inputs: {folder: ..., labels: ...})");
        suite.checks.min_top1 = *v;
      }
      if (const YAML::Node outputs = checks["outputs"]) {
        auto v = String(outputs, "checks.outputs");
        if (!v) return std::unexpected(v.error());
        if (*v == "host-reference") suite.checks.outputs_equal_reference = true;
        else if (*v == "none") suite.checks.outputs_equal_reference = false;
        else return Bad(outputs, "checks.outputs", "expected 'host-reference' or 'none', got '" + *v + "'");
      }
    }
    if (const YAML::Node budgets = root["budgets"]) {
      if (!budgets.IsMap()) return Bad(budgets, "budgets", "expected a mapping of board kind (or `all`) to limits");
      for (auto it = budgets.begin(); it != budgets.end(); ++it) {
        const std::string kind = it->first.Scalar();
        const std::string field = "budgets." + kind;
        bool known = kind == "all";
        std::string kinds;
        for (const auto& b : suite.boards) {
          known = known || b.kind == kind;
          kinds += (kinds.empty() ? "" : ", ") + b.kind;
        }
        if (!known) return Bad(it->first, field, "'" + kind + "' is not a board kind of this suite (boards: " + kinds + "; or `all`)");
        const YAML::Node limits = it->second;
        if (!limits.IsMap()) return Bad(limits, field, "expected a mapping of limits");
        if (auto ok = CheckKeys(limits, field, {"latency_us", "latency_instructions", "latency_cycles", "ram_peak_bytes",
                                                "flash_bytes", "energy_uj"});
            !ok)
          return std::unexpected(ok.error());
        Budget b;
        b.kind = kind;
        b.line = Line(it->first);
        constexpr int64_t kMax = int64_t{1} << 53;
        auto count = [&](const char* key, std::optional<uint64_t>& out) -> Result<void> {
          if (!limits[key]) return {};
          auto v = Integer(limits[key], field + "." + key, 1, kMax);
          if (!v) return std::unexpected(v.error());
          out = static_cast<uint64_t>(*v);
          return {};
        };
        auto real = [&](const char* key, std::optional<double>& out) -> Result<void> {
          if (!limits[key]) return {};
          auto v = Number(limits[key], field + "." + key, 0, 1e15);
          if (!v) return std::unexpected(v.error());
          out = *v;
          return {};
        };
        for (auto r : {real("latency_us", b.latency_us), count("latency_instructions", b.latency_instructions),
                       count("latency_cycles", b.latency_cycles), count("ram_peak_bytes", b.ram_peak_bytes),
                       count("flash_bytes", b.flash_bytes), real("energy_uj", b.energy_uj)})
          if (!r) return std::unexpected(r.error());
        suite.budgets.push_back(b);
      }
    }

    if (const YAML::Node reg = root["regressions"]) {
      if (!reg.IsMap()) return Bad(reg, "regressions", "expected a mapping like {against: last-run, threshold_pct: 2}");
      if (auto ok = CheckKeys(reg, "regressions", {"against", "threshold_pct"}); !ok) return std::unexpected(ok.error());
      suite.regressions.enabled = true;
      suite.regressions.line = Line(reg);
      if (!reg["against"]) return Bad(reg, "regressions.against", "missing (last-run or baseline:NAME)");
      auto v = String(reg["against"], "regressions.against");
      if (!v) return std::unexpected(v.error());
      if (v->rfind("baseline:", 0) == 0 && v->size() > 9) suite.regressions.baseline = v->substr(9);
      else if (*v != "last-run")
        return Bad(reg["against"], "regressions.against", "expected last-run or baseline:NAME, got '" + *v + "'");
      if (reg["threshold_pct"]) {
        auto t = Number(reg["threshold_pct"], "regressions.threshold_pct", 0, 1000);
        if (!t) return std::unexpected(t.error());
        suite.regressions.threshold_pct = *t;
      }
    }
    return suite;
  }

 private:
  std::string file_;
  SuitePaths paths_ = SuitePaths::kAny;
};

}  // namespace

Result<Suite> ParseSuite(std::string_view text, const std::string& file, const std::string& base_dir, SuitePaths paths) {
  auto parsed = ParseYaml(std::string(text), file);
  if (!parsed) return std::unexpected(parsed.error());
  const YAML::Node root = *parsed;
  if (!root || root.IsNull()) return Fail(Status::kBadArgument, file + ":1: (top level): the suite file is empty");
  try {
    return Parser(file, paths).ParseRoot(root, base_dir);
  } catch (const YAML::Exception& e) {  // yaml-cpp throws on some malformed node accesses
    return Fail(Status::kBadArgument, file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

const Budget* BudgetFor(const Suite& suite, const std::string& kind) {
  const Budget* all = nullptr;
  for (const Budget& b : suite.budgets) {
    if (b.kind == kind) return &b;
    if (b.kind == "all") all = &b;
  }
  return all;
}

Result<Suite> LoadSuite(const std::string& path) {
  auto text = ReadRegularFile(path, kMaxTextFileBytes);
  if (!text) {
    if (text.error().code == Status::kNotFound) return Fail(Status::kNotFound, "suite " + path + ": no such file");
    return Fail(text.error().code, "suite " + text.error().message);
  }
  const std::string base = std::filesystem::path(path).parent_path().string();
  auto suite = ParseSuite(*text, path, base.empty() ? "." : base);
  if (suite) suite->sha256 = Sha256Hex(std::span(reinterpret_cast<const uint8_t*>(text->data()), text->size()));
  return suite;
}

}  // namespace hil
