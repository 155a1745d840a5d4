#!/usr/bin/env bash
# Installs Debian's rabbitmq-server (the AMQP 0-9-1 test broker; test/kit/rabbitmq.ts runs it as a child process) when missing.
# test-server: 55 RabbitMQ (Debian's rabbitmq-server + Erlang 25: ~75 s the first time, apt download included)
# The package's system services (rabbitmq-server, Erlang's epmd) are never left running: a service this install started
# is stopped and disabled again; one that ran before is left alone. Exits 0 without a broker, saying why on stderr, where
# apt-get cannot be used (not root): the AMQP suites then skip.
set -euo pipefail
SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
if [ -x "$SERVER" ]; then exit 0; fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "[impulse] rabbitmq-server missing (apt-get install rabbitmq-server as root); the AMQP suites will skip" >&2; exit 0
fi
# pgrep -x matches the process name exactly: the package's broker runs as beam.smp with "-s rabbit boot", epmd as epmd.
broker() { pgrep -f -- '-s rabbit boot' >/dev/null 2>&1; }
epmd() { pgrep -x epmd >/dev/null 2>&1; }
broker_before=no; broker && broker_before=yes
epmd_before=no; epmd && epmd_before=yes
echo "[impulse] installing Debian's rabbitmq-server (once; pulls Erlang)" >&2
if ! apt-cache policy rabbitmq-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq >&2; fi
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends rabbitmq-server >&2
if [ "$broker_before" = no ]; then
  if broker; then
    echo "[impulse] stopping the rabbitmq-server service the package started" >&2
    invoke-rc.d rabbitmq-server stop >&2 || true
  fi
  update-rc.d rabbitmq-server disable >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true; fi
fi
if [ "$epmd_before" = no ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now epmd.socket epmd.service >/dev/null 2>&1 || true
fi
[ -x "$SERVER" ] || { echo "[impulse] rabbitmq-server install failed" >&2; exit 1; }
