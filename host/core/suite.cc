#include "hil/core/suite.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace hil {
namespace {

// Walks a parsed document and turns every problem into "file:line: field: what".
class Parser {
 public:
  explicit Parser(const std::string& file) : file_(file) {}

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

  Result<Settings> ParseSettings(const YAML::Node& node, const std::string& field) const {
    if (!node.IsMap()) return Bad(node, field, "expected a mapping with warmup, iterations, repetitions, link");
    if (auto ok = CheckKeys(node, field, {"warmup", "iterations", "repetitions", "link"}); !ok) return std::unexpected(ok.error());
    Settings s;
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
    return s;
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
      std::filesystem::path p(m.path);
      m.resolved = p.is_absolute() ? p.string() : (std::filesystem::path(base_dir) / p).lexically_normal().string();
      if (m.name.empty()) m.name = p.stem().string();
    }
    return m;
  }

  Result<Suite> ParseRoot(const YAML::Node& root, const std::string& base_dir) const {
    if (!root.IsMap()) return Bad(root, "(top level)", "expected a mapping with name, models, inputs, boards, settings, checks");
    if (auto ok = CheckKeys(root, "", {"name", "models", "inputs", "boards", "settings", "checks"}); !ok)
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
      if (auto ok = CheckKeys(inputs, "inputs", {"random"}); !ok) return std::unexpected(ok.error());
      const YAML::Node random = inputs["random"];
      if (!random) return Bad(inputs, "inputs.random", "missing");
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
          suite.settings.push_back(*s);
        }
      } else {
        auto s = ParseSettings(settings, "settings");
        if (!s) return std::unexpected(s.error());
        suite.settings.push_back(*s);
      }
    } else {
      suite.settings.push_back(Settings{});
    }

    if (const YAML::Node checks = root["checks"]) {
      if (!checks.IsMap()) return Bad(checks, "checks", "expected a mapping like {outputs: host-reference}");
      if (auto ok = CheckKeys(checks, "checks", {"outputs"}); !ok) return std::unexpected(ok.error());
      if (const YAML::Node outputs = checks["outputs"]) {
        auto v = String(outputs, "checks.outputs");
        if (!v) return std::unexpected(v.error());
        if (*v == "host-reference") suite.checks.outputs_equal_reference = true;
        else if (*v == "none") suite.checks.outputs_equal_reference = false;
        else return Bad(outputs, "checks.outputs", "expected 'host-reference' or 'none', got '" + *v + "'");
      }
    }
    return suite;
  }

 private:
  std::string file_;
};

}  // namespace

Result<Suite> ParseSuite(std::string_view text, const std::string& file, const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return Fail(Status::kBadArgument, file + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Fail(Status::kBadArgument, file + ": YAML error: " + e.what());
  }
  if (!root || root.IsNull()) return Fail(Status::kBadArgument, file + ":1: (top level): the suite file is empty");
  try {
    return Parser(file).ParseRoot(root, base_dir);
  } catch (const YAML::Exception& e) {  // yaml-cpp throws on some malformed node accesses
    return Fail(Status::kBadArgument, file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<Suite> LoadSuite(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Fail(Status::kNotFound, "suite " + path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) return Fail(Status::kBadArgument, "suite " + path + ": is a directory, not a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::kNotFound, "suite " + path + ": cannot open for reading");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string base = std::filesystem::path(path).parent_path().string();
  return ParseSuite(buffer.str(), path, base.empty() ? "." : base);
}

}  // namespace hil
