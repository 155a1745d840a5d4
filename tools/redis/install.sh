#!/usr/bin/env bash
# Installs Debian's redis-server for the redis and redisStream suites (run as a child process on a free port, not as a service).
# test-server: 55 Redis (Debian's redis-server package: ~30 s the first time)
# Idempotent: exits at once when redis-server is on PATH. When apt's install starts the packaged service (a system
# without policy-rc.d), this script stops that one service again and disables it: tests run their own redis-server.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "installing redis-server (Debian package)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache policy redis-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
fi
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends redis-server >&2
PIDFILE=/run/redis/redis-server.pid
if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "stopping the redis-server service the package started (tests run their own)" >&2
  invoke-rc.d redis-server stop >&2 || kill "$(cat "$PIDFILE")"
  command -v systemctl >/dev/null 2>&1 && systemctl disable redis-server >/dev/null 2>&1 || true
fi
command -v redis-server >/dev/null 2>&1 || { echo "redis-server install failed" >&2; exit 1; }
