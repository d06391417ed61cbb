#include "hil/cli/api_intake.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>

namespace hil::cli {

namespace fs = std::filesystem;
using nlohmann::json;

bool SafeRelativePath(std::string_view p) {
  if (p.empty() || p.size() > 512 || p[0] == '/' || p.find('\0') != std::string_view::npos) return false;
  for (const auto& part : fs::path(p))
    if (part == ".." || part == ".") return false;
  return true;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if (pad > 0 || (v[k] = value(c)) < 0) {
        return std::nullopt;  // a character outside the alphabet, or data after padding
      }
    }
    const uint32_t n = static_cast<uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>(n >> 8 & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

Result<Submission> ParseSubmission(std::string_view text) {
  json body;
  try {
    body = json::parse(text);
  } catch (const std::exception& e) {
    return Fail(Status::kBadArgument, std::string("body: not JSON: ") + e.what());
  }
  if (!body.is_object()) return Fail(Status::kBadArgument, "body: expected a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "suite" && key != "files") return Fail(Status::kBadArgument, "body." + key + ": unknown field (expected suite, files)");
  if (!body.contains("suite") || !body["suite"].is_string())
    return Fail(Status::kBadArgument, "body.suite: missing, or not a string of suite YAML");
  Submission out;
  out.suite = body["suite"].get<std::string>();
  if (body.contains("files")) {
    if (!body["files"].is_object()) return Fail(Status::kBadArgument, "body.files: expected an object of path: base64");
    for (const auto& [path, content] : body["files"].items()) {
      if (!SafeRelativePath(path)) return Fail(Status::kBadArgument, "body.files." + path + ": not a relative path inside the suite's folder");
      if (!content.is_string()) return Fail(Status::kBadArgument, "body.files." + path + ": expected a base64 string");
      auto bytes = DecodeBase64(content.get<std::string>());
      if (!bytes) return Fail(Status::kBadArgument, "body.files." + path + ": not valid base64");
      out.files.emplace_back(path, std::move(*bytes));
    }
  }
  // "a/b" and "a/b/c" cannot both be files: say so instead of failing on the disk.
  std::set<std::string_view> paths;
  for (const auto& f : out.files) paths.insert(f.first);
  for (const auto& [path, unused] : out.files)
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (paths.contains(std::string_view(path).substr(0, slash)))
        return Fail(Status::kBadArgument, "body.files." + path + ": '" + path.substr(0, slash) +
                                              "' is uploaded as a file, so it cannot be a folder too");
  return out;
}

Result<void> WriteUploads(const Submission& submission, const std::string& dir) {
  for (const auto& [path, bytes] : submission.files) {
    const fs::path target = fs::path(dir) / path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Fail(Status::kInternal, "cannot create " + target.parent_path().string() + ": " + ec.message());
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Fail(Status::kInternal, "cannot write the upload " + target.string());
  }
  return {};
}

}  // namespace hil::cli
