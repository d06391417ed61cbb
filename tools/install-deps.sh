#!/usr/bin/env bash
# Installs the Debian packages of packages/debian.txt that are missing. Used by `make`, .ci/run and
# docker/Dockerfile, so the package list lives in one place.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
list="$here/packages/debian.txt"
wanted=$(sed 's/#.*//' "$list" | tr -s ' \t' '\n' | sed '/^$/d')
# Names an installed package provides count as present (NodeSource's nodejs provides npm and
# conflicts with Debian's npm package).
provided=$(dpkg-query -W -f='${Status}\t${Provides}\n' 2>/dev/null | awk -F'\t' '$1 ~ /install ok installed/ {print $2}' |
           tr ',' '\n' | sed 's/(.*//; s/^ *//; s/ *$//; /^$/d' | sort -u)
missing=()
for p in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && ! grep -qxF "$p" <<<"$provided"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing Debian packages: ${missing[*]}" >&2
  echo "       run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
