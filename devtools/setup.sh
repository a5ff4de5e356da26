#!/usr/bin/env bash
# Installs what a fresh Debian 12 needs to build and test the project, and
# fetches the distro's DPDK source package into subprojects/dpdk.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
stamp_dir="$top/subprojects/.setup"
packages=(meson ninja-build pkg-config libnuma-dev python3-pyelftools gcc
	clang llvm libclang-rt-14-dev dpdk dpdk-dev dpkg-dev iproute2
	procps util-linux psmisc zlib1g-dev iputils-ping valgrind)

log() { printf 'setup: %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || echo "$p"
	done
}

enable_deb_src() {
	local f=/etc/apt/sources.list.d/netvsc-pmd-src.sources
	[ -f "$f" ] && return 0
	log "enabling deb-src in $f"
	as_root tee "$f" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	rm -f "$stamp_dir/apt-updated"
}

install_packages() {
	local need
	need=$(missing_packages)
	if [ -n "$need" ] || [ ! -f "$stamp_dir/apt-updated" ]; then
		log "apt-get update"
		as_root apt-get update -qq >"$stamp_dir/apt.log" 2>&1
		touch "$stamp_dir/apt-updated"
	fi
	need=$(missing_packages)
	[ -z "$need" ] && return 0
	log "installing:" $need
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $need >>"$stamp_dir/apt.log" 2>&1 || { tail -20 "$stamp_dir/apt.log"; exit 1; }
}

fetch_dpdk_source() {
	local dst="$top/subprojects/dpdk" tmp dir
	if [ -f "$dst/VERSION" ] && [ -f "$dst/meson.build" ]; then
		log "DPDK source present: $(cat "$dst/VERSION")"
		return 0
	fi
	tmp=$(mktemp -d "$top/subprojects/.fetch.XXXXXX")
	log "fetching the DPDK source package (apt-get source dpdk)"
	(cd "$tmp" && apt-get source -qq --download-only dpdk >/dev/null &&
		dpkg-source -x ./*.dsc src >/dev/null)
	dir="$tmp/src"
	rm -rf "$dst"
	mv "$dir" "$dst"
	rm -rf "$tmp"
	log "DPDK source: $(cat "$dst/VERSION")"
}

mkdir -p "$stamp_dir"
enable_deb_src
install_packages
fetch_dpdk_source
