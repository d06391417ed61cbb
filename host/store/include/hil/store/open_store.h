// Opens the store a `--db` option names: a PostgreSQL connection URI ("postgresql://..." or
// "postgres://...", for a farm across hosts) or a key=value connection string ("host=... dbname=..."),
// else an SQLite file (the single-host default; its folder is created when missing).
#pragma once

#include <memory>
#include <string>

#include "hil/store/store.h"

namespace hil::store {

// True when `location` names a PostgreSQL database rather than a file.
bool IsPostgres(const std::string& location);
// Errors: those of SqliteStore::Open / PgStore::Open.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);

}  // namespace hil::store
