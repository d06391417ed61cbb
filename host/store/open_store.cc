#include "hil/store/open_store.h"

#include <filesystem>

#include "hil/store/pg_store.h"
#include "hil/store/sqlite_store.h"

namespace hil::store {

bool IsPostgres(const std::string& location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://") ||
         location.find("dbname=") != std::string::npos || location.starts_with("host=");
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (IsPostgres(location)) {
    auto s = PgStore::Open(location);
    if (!s) return std::unexpected(s.error());
    return std::unique_ptr<Store>(std::move(*s));
  }
  const auto parent = std::filesystem::path(location).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto s = SqliteStore::Open(location);
  if (!s) return std::unexpected(s.error());
  return std::unique_ptr<Store>(std::move(*s));
}

}  // namespace hil::store
