#!/usr/bin/env bash
# Make sure the binaries the product and its tests run are on this machine.
# As root we install what is missing with apt-get; otherwise we print the exact command.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/"$1" >/dev/null 2>&1; }
have redis-server || need+=(redis-server)
have initdb || need+=(postgresql)
have chromium || need+=(chromium)
have ffprobe || need+=(ffmpeg)
have turnserver || need+=(coturn)
[ -x /usr/bin/janus ] || need+=(janus)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# deploy/nginx is tested with Debian's own nginx (1.22 on Debian 12), curl and openssl
[ -x /usr/sbin/nginx ] || need+=(nginx)
have curl || need+=(curl)
have openssl || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
  # Debian starts coturn/janus/redis/nginx services on install; the tests start their own.
  exit 0
fi
echo "missing system packages; run:  sudo apt-get install -y ${need[*]}" >&2
exit 1
