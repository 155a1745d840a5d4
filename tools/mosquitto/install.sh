#!/usr/bin/env bash
# Installs Debian's mosquitto (the MQTT test broker; test/kit/mosquitto.ts runs it as a child process) when missing.
# test-server: 56 Mosquitto (Debian's mosquitto: ~25 s the first time, apt download included)
# The package's system service is never left running: a service this install started is stopped and disabled again; one
# that ran before is left alone. Exits 0 without a broker, saying why on stderr, where apt-get cannot be used (not root):
# the MQTT suites then skip.
set -euo pipefail
SERVER=/usr/sbin/mosquitto
if [ -x "$SERVER" ]; then exit 0; fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "[impulse] mosquitto missing (apt-get install mosquitto as root); the MQTT suites will skip" >&2; exit 0
fi
# The packaged service runs the system-wide config; a test broker runs with a config of its own in a temp dir.
service() { pgrep -f -- 'mosquitto -c /etc/mosquitto/mosquitto.conf' >/dev/null 2>&1; }
before=no; service && before=yes
echo "[impulse] installing Debian's mosquitto (once)" >&2
if ! apt-cache policy mosquitto 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq >&2; fi
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mosquitto >&2
if [ "$before" = no ]; then
  if service; then
    echo "[impulse] stopping the mosquitto service the package started" >&2
    invoke-rc.d mosquitto stop >&2 || true
  fi
  update-rc.d mosquitto disable >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl disable --now mosquitto >/dev/null 2>&1 || true; fi
fi
[ -x "$SERVER" ] || { echo "[impulse] mosquitto install failed" >&2; exit 1; }
