#!/usr/bin/env bash
# Install the Debian packages the tests need, when any is missing: PostgreSQL (concurrency
# tests), Redis (the cluster test), Chromium and CJK fonts (browser tests), BIZ UD Gothic / IPAex
# (PDF), poppler (pdftotext).
set -euo pipefail
packages=(postgresql redis-server chromium fonts-noto-cjk fonts-morisawa-bizud-gothic fonts-ipaexfont-gothic fonts-dejavu-core poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" = "0" ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
