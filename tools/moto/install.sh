#!/usr/bin/env bash
# Installs moto_server (AWS API emulator from PyPI) into a venv for the sqs and sns suites: run as a child process on a free port.
# test-server: 58 moto_server for SQS and SNS (PyPI moto[server] into a venv: ~40 s the first time)
# Idempotent: exits at once when the venv is complete (marker file). Pinned so a new moto cannot change the suite's server.
set -euo pipefail
VERSION=5.2.5
DIR="${HOME}/.cache/impulse-infra/moto-${VERSION}"
if [ -f "${DIR}/.installed" ]; then exit 0; fi
echo "installing moto_server ${VERSION} (PyPI, into ${DIR})" >&2
rm -rf "${DIR}"
python3 -m venv "${DIR}"
"${DIR}/bin/pip" install -q --disable-pip-version-check "moto[server]==${VERSION}" >&2 || { rm -rf "${DIR}"; exit 1; }
[ -x "${DIR}/bin/moto_server" ] || { echo "moto_server install failed" >&2; rm -rf "${DIR}"; exit 1; }
touch "${DIR}/.installed"
