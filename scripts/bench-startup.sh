#!/usr/bin/env bash
# Start-up and memory benchmark (run it under scripts/with-desktop.sh): the
# production app beside a bare Wails app generated from the vanilla template
# and built the same way in this run. Start-up to interactive is the time from
# process start until the frontend reports its first rendered screen (both
# apps emit app:ready then; the bare app is patched only for that); memory is
# the PSS of the app and all its processes (WebKit's web and network
# processes included) two seconds after it is ready.
# Usage: scripts/bench-startup.sh path/to/admin-console
set -euo pipefail
app_bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
wails="$root/.bin/wails"
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building the bare Wails app (vanilla template) for comparison…"
"$wails" init -n bare -t vanilla -d "$work/bare" -q >/dev/null 2>&1
cd "$work/bare"
python3 - <<'PY'
import re
p = 'app.go'
s = open(p).read()
s = s.replace('import (\n\t"context"\n\t"fmt"\n)', 'import (\n\t"context"\n\t"fmt"\n\t"os"\n\n\t"github.com/wailsapp/wails/v2/pkg/runtime"\n)')
s = s.replace('\ta.ctx = ctx\n}', '\ta.ctx = ctx\n\tif os.Getenv("ADMIN_CONSOLE_REPORT_READY") != "" {\n\t\truntime.EventsOnce(ctx, "app:ready", func(...interface{}) { fmt.Fprintln(os.Stderr, "ADMIN_CONSOLE_READY") })\n\t}\n}', 1)
open(p, 'w').write(s)
open('frontend/src/main.js', 'a').write("\nimport { EventsEmit } from '../wailsjs/runtime/runtime';\nrequestAnimationFrame(() => EventsEmit('app:ready'));\n")
PY
"$wails" build -tags webkit2_41 -trimpath >"$work/bare-build.log" 2>&1 || { cat "$work/bare-build.log"; exit 1; }
bare_bin="$work/bare/build/bin/bare"
cd "$root"

now_ms() { date +%s%3N; }

# descendants prints pid and every process below it.
descendants() {
  echo "$1"
  for c in $(pgrep -P "$1" || true); do descendants "$c"; done
}

pss_kib() {
  local total=0 v
  for p in $(descendants "$1"); do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# measure BIN prints "startup_ms pss_kib" for one cold start on a fresh data dir.
measure() {
  local bin=$1 data log pid t0 t1 pss
  data=$(mktemp -d -p "$work")
  log="$data/log"
  t0=$(now_ms)
  ADMIN_CONSOLE_REPORT_READY=1 ADMIN_CONSOLE_DATA_DIR="$data" "$bin" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 3000); do
    grep -q ADMIN_CONSOLE_READY "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.01
  done
  t1=$(now_ms)
  grep -q ADMIN_CONSOLE_READY "$log" || { echo "no ready signal from $bin" >&2; return 1; }
  sleep 2
  pss=$(pss_kib "$pid")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$((t1 - t0)) $pss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

declare -A start mem
for name in bare app; do
  bin=$bare_bin
  [ "$name" = app ] && bin=$app_bin
  measure "$bin" >/dev/null # warm the page cache once, as a user's second start
  : >"$work/$name.txt"
  for _ in $(seq "$runs"); do measure "$bin" >>"$work/$name.txt"; done
  start[$name]=$(awk '{print $1}' "$work/$name.txt" | median)
  mem[$name]=$(awk '{print $2}' "$work/$name.txt" | median)
done

printf '\n%-34s %12s %12s %8s %8s\n' "median of $runs runs under Xvfb" "Admin Console" "bare Wails" "ratio" "target"
printf '%-34s %10s ms %10s ms %8s %8s\n' "start-up to interactive" "${start[app]}" "${start[bare]}" \
  "$(awk -v a="${start[app]}" -v b="${start[bare]}" 'BEGIN {printf "%.2f", a/b}')" "≤ 1.50"
printf '%-34s %9s MiB %9s MiB %8s %8s\n' "memory (PSS, all processes)" \
  "$(awk -v k="${mem[app]}" 'BEGIN {printf "%.1f", k/1024}')" "$(awk -v k="${mem[bare]}" 'BEGIN {printf "%.1f", k/1024}')" \
  "$(awk -v a="${mem[app]}" -v b="${mem[bare]}" 'BEGIN {printf "%.2f", a/b}')" "≤ 1.30"
