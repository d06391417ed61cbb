#!/usr/bin/env bash
# Farm-across-hosts benchmark: jobs per minute and scheduling overhead per job with 1, 2 and 3
# daemons on this host, each serving its own POSIX-agent board, over a private PostgreSQL server.
# The jobs are tiny (an FC model, 1 iteration), so the time is the farm's: claim, spec, model fetch,
# board start (once per daemon), result write, notifications.
#   tools/bench_farm.sh [BUILD_DIR] [JOBS]
set -euo pipefail
build=${1:-build}
jobs=${2:-60}
hil=$(realpath "$build/host/hil")
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/hil_bench_farm_XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$bindir/initdb" -D "$work/data" -U hil -A trust --no-sync >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -o "-p $port -k $work -h 127.0.0.1 -F" -l "$work/pg.log" -w start >/dev/null
trap '"${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -m fast stop >/dev/null; rm -rf "$work"' EXIT
models=""
for i in $(seq 1 "$jobs"); do models+="  - {generate: 'fc:16,units=4', seed: $i}"$'\n'; done
printf 'name: bench-farm\nmodels:\n%sboards: [posix-host]\nsettings: {warmup: 0, iterations: 1}\n' "$models" > "$work/suite.yaml"
for n in 1 2 3; do
  db="bench$n"
  psql -q -h 127.0.0.1 -p "$port" -U hil -d postgres -c "CREATE DATABASE $db" >/dev/null
  uri="postgresql://hil@127.0.0.1:$port/$db"
  pids=()
  for d in $(seq 1 "$n"); do
    printf 'name: h%s\ninstances:\n  - {id: h%s-posix, kind: posix-host}\n' "$d" "$d" > "$work/farm$d.yaml"
    "$hil" daemon --db "$uri" --farm "$work/farm$d.yaml" --id "d$d" 2>"$work/d$n-$d.log" &
    pids+=($!)
  done
  sleep 1
  start=$(date +%s.%N)
  "$hil" run "$work/suite.yaml" --farm "$uri" --quiet >/dev/null
  end=$(date +%s.%N)
  kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
  python3 - "$n" "$jobs" "$start" "$end" <<'PY'
import sys
n, jobs, start, end = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
wall = end - start
print(f"{n} daemon(s): {jobs} jobs in {wall:.2f} s = {jobs / wall * 60:.0f} jobs/min; "
      f"{wall / jobs * 1000:.1f} ms wall per job, {wall * n / jobs * 1000:.1f} ms of daemon time per job")
PY
done
