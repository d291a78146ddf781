#!/usr/bin/env bash
# Runs a command inside a headless desktop session like a user's: an Xvfb
# display, a D-Bus session bus and an unlocked GNOME Keyring (the Secret
# Service go-keyring talks to). Usage: scripts/with-desktop.sh CMD [ARGS...]
set -euo pipefail

if [ -z "${INSIDE_DBUS_SESSION:-}" ]; then
  export INSIDE_DBUS_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

# A display of our own: the first free number from 90 up.
if [ -z "${DISPLAY:-}" ] || [ "${WITH_DESKTOP_OWN_DISPLAY:-1}" = 1 ]; then
  n=90
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  export DISPLAY=":$n"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
fi

# No desktop portal or accessibility bus in a headless session: without a
# portal backend they only fill the logs with warnings.
export GTK_USE_PORTAL=0 NO_AT_BRIDGE=1

# A keyring for this session only, unlocked with an empty password.
export XDG_DATA_HOME="${XDG_DATA_HOME:-$(mktemp -d)}"
eval "$(printf '\n' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true

"$@"
