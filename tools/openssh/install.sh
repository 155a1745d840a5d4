#!/usr/bin/env bash
# Installs Debian's openssh-server (test/kit/git-servers.ts runs sshd as a child process for the git-over-ssh suites) when missing.
# test-server: 57 OpenSSH server (Debian's openssh-server: ~20 s the first time, apt download included)
# The system sshd is never used nor touched: the kit runs /usr/sbin/sshd -D -e -f <own config> on a free loopback port with
# its own host key and authorized_keys. A service this install started is stopped and disabled again; an sshd that ran
# before is left alone. Exits 0 without a server, saying why on stderr, where apt-get cannot be used (not root): the ssh
# tests then skip.
set -euo pipefail
SERVER=/usr/sbin/sshd
if [ -x "$SERVER" ]; then exit 0; fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "[impulse] sshd missing (apt-get install openssh-server as root); the git-over-ssh tests will skip" >&2; exit 0
fi
# The packaged service runs with /etc/ssh/sshd_config; the kit's sshd always has -f <its own config>.
service() { pgrep -f -- '^(/usr/sbin/)?sshd( -D)?$|sshd: /usr/sbin/sshd' >/dev/null 2>&1; }
before=no; service && before=yes
echo "[impulse] installing Debian's openssh-server (once)" >&2
if ! apt-cache policy openssh-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq >&2; fi
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends openssh-server >&2
if [ "$before" = no ]; then
  if service; then
    echo "[impulse] stopping the ssh service the package started" >&2
    invoke-rc.d ssh stop >&2 || true
  fi
  update-rc.d ssh disable >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl disable --now ssh >/dev/null 2>&1 || true; fi
fi
[ -x "$SERVER" ] || { echo "[impulse] openssh-server install failed" >&2; exit 1; }
