#!/usr/bin/env bash
# Smoke test of the production binary in a real window (run it under
# scripts/with-desktop.sh): a fresh data directory, onboarding completed with
# the keyboard alone through xdotool, then the new user is looked up in the
# SQLite file. Usage: scripts/smoke.sh path/to/admin-console
set -euo pipefail
bin=$(realpath "$1")
out="$(pwd)/test-output/screenshots"
mkdir -p "$out"
data=$(mktemp -d)
log=$(mktemp)
email="smoke.$(date +%s)@example.com"

ADMIN_CONSOLE_REPORT_READY=1 LANG=en_US.UTF-8 "$bin" --data-dir "$data" >"$log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true' EXIT

fail() { echo "FAIL $*"; echo "--- app log ---"; tail -n 30 "$log"; echo "0 passed, 1 failed"; exit 1; }

for _ in $(seq 120); do grep -q ADMIN_CONSOLE_READY "$log" && break; kill -0 $app 2>/dev/null || fail "the app exited"; sleep 0.5; done
grep -q ADMIN_CONSOLE_READY "$log" || fail "the first screen never rendered"
echo "ok   the production binary opens its window and renders the first screen"

win=$(xdotool search --sync --onlyvisible --name "Admin Console" | head -n 1)
[ -n "$win" ] || fail "no window named Admin Console"
xdotool windowmove "$win" 0 0 windowsize "$win" 1180 780 windowfocus --sync "$win"
xdotool mousemove --window "$win" 600 400
sleep 0.5
import -window root "$out/smoke-onboarding.png"

# The email field has focus on arrival; Tab walks the form in order.
xdotool type --delay 15 "$email"
xdotool key Tab
xdotool type --delay 15 "Smoke"
xdotool key Tab
xdotool type --delay 15 "Tester"
xdotool key Tab
xdotool type --delay 15 "keyboard only onboarding"
xdotool key Return

found=""
for _ in $(seq 40); do
  found=$(sqlite3 "file:$data/admin-console.db?mode=ro" "SELECT email FROM users WHERE email = '$email'" 2>/dev/null || true)
  [ -n "$found" ] && break
  sleep 0.5
done
sleep 1
import -window root "$out/smoke-signed-in.png"
[ "$found" = "$email" ] || fail "no user $email in the SQLite file after keyboard onboarding"
echo "ok   keyboard onboarding created $email in the SQLite file"
echo "2 passed, 0 failed"
