#include "hil/core/yaml_file.h"

#include <map>

#include <yaml-cpp/depthguard.h>

#include "hil/core/file.h"

namespace hil {
namespace {

std::string LineOf(const std::string& file, const YAML::Mark& m) { return file + ":" + std::to_string(m.line + 1); }

class Checker {
 public:
  explicit Checker(const std::string& file) : file_(file) {}

  Result<void> Walk(const YAML::Node& n, int depth) {
    if (++nodes_ > kMaxYamlNodes)
      return Fail(Status::kTooLarge, file_ + ": more than " + std::to_string(kMaxYamlNodes) +
                                         " YAML nodes (aliases that repeat large parts of the file?)");
    if (depth > kMaxYamlDepth)
      return Fail(Status::kBadArgument, LineOf(file_, n.Mark()) + ": nested more than " + std::to_string(kMaxYamlDepth) + " levels deep");
    if (n.IsSequence()) {
      for (const YAML::Node& child : n)
        if (auto r = Walk(child, depth + 1); !r) return r;
    } else if (n.IsMap()) {
      // Scalar keys as written, with where each was first seen (yaml-cpp keeps document order).
      std::map<std::string, YAML::Mark> seen;
      for (auto it = n.begin(); it != n.end(); ++it) {
        const YAML::Node key = it->first;
        if (key.IsScalar()) {
          const auto [at, fresh] = seen.emplace(key.Scalar(), key.Mark());
          if (!fresh)
            return Fail(Status::kBadArgument, LineOf(file_, key.Mark()) + ": key '" + key.Scalar() +
                                                  "' given twice in one mapping (first at line " + std::to_string(at->second.line + 1) + ")");
        } else if (auto r = Walk(key, depth + 1); !r) {
          return r;
        }
        if (auto r = Walk(it->second, depth + 1); !r) return r;
      }
    }
    return {};
  }

 private:
  const std::string& file_;
  size_t nodes_ = 0;
};

}  // namespace

Result<YAML::Node> ParseYaml(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own guard against stack exhaustion
    return Fail(Status::kBadArgument, file + ":" + std::to_string(e.mark.line + 1) + ": nested more than " +
                                          std::to_string(e.depth() - 1) + " levels deep");
  } catch (const YAML::ParserException& e) {
    return Fail(Status::kBadArgument, file + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Fail(Status::kBadArgument, file + ": YAML error: " + e.what());
  }
  if (auto r = Checker(file).Walk(root, 0); !r) return std::unexpected(r.error());
  return root;
}

Result<YAML::Node> LoadYamlFile(const std::string& path, const std::string& what) {
  auto text = ReadRegularFile(path, kMaxTextFileBytes);
  if (!text) {
    if (text.error().code == Status::kNotFound) return Fail(Status::kNotFound, what + " " + path + ": no such file");
    return Fail(text.error().code, what + " " + text.error().message);
  }
  return ParseYaml(*text, path);
}

}  // namespace hil
