#!/bin/sh
# Installs the Debian packages kefu needs, only those missing. Uses sudo when
# not root. Quiet when everything is present. Arguments name extra packages
# (`make fuzz` adds clang and its sanitizer runtimes).
set -e
PKGS="build-essential pkg-config libcsv-dev libgsl-dev libxlsxwriter-dev libpq-dev
postgresql postgresql-contrib liblunar-date-dev libglib2.0-dev python3 python3-openpyxl time libssl-dev $*"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "kefu: installing missing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
