// The host's error value: a shared status code (also the protocol's wire code) and one sentence that
// names the failing resource ("board posix-host#1: no HELLO within 2000 ms on /dev/pts/5").
#pragma once

#include <expected>
#include <string>
#include <utility>

#include "hil/common/status.h"

namespace hil {

struct Error {
  Status code = Status::kInternal;
  std::string message;

  // "message (status name)".
  std::string ToString() const;
};

template <class T>
using Result = std::expected<T, Error>;

// `return Fail(Status::kNotFound, "...");` from a function returning Result<T>.
inline std::unexpected<Error> Fail(Status code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

// Prefixes the message of `error` with `context` and ": ", keeping its code.
inline std::unexpected<Error> Wrap(const Error& error, const std::string& context) {
  return std::unexpected<Error>(Error{error.code, context + ": " + error.message});
}

}  // namespace hil
