#!/usr/bin/env bash
# Sets up (once) and uses a Debian chroot with a current Emscripten, since
# Debian 12 ships only emcc 3.1.6 and the newer packages do not install on it.
# Made by debootstrap from Debian's own packages (the steps: setup below); needs root.
#
#   testdata/emscripten/chroot.sh setup [forky|trixie]    # forky: emcc 6.0.5, trixie: 3.1.69
#   testdata/emscripten/chroot.sh run SUITE COMMAND...    # COMMAND runs in this repository
#
# Idempotent: setup skips what is done. Every mount is undone on every exit
# path (trap), and nothing under a root is removed while it has mounts.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
root_of() { echo "${CHROOT_BASE:-/opt}/$1"; }

setup() {
    local suite="${1:-forky}" root
    root="$(root_of "$suite")"
    if [ ! -x "$root/usr/bin/apt-get" ]; then
        local dbs
        dbs="$(mktemp -d)"
        (cd "$dbs" && apt-get download debootstrap >/dev/null && dpkg -x debootstrap_*.deb .)
        local mirror script
        mirror="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
        script="$dbs/usr/share/debootstrap/scripts/sid"
        [ "$suite" = trixie ] && script="$dbs/usr/share/debootstrap/scripts/trixie"
        [ -e "$script" ] || script="$dbs/usr/share/debootstrap/scripts/sid"
        DEBOOTSTRAP_DIR="$dbs/usr/share/debootstrap" \
            "$dbs/usr/sbin/debootstrap" --variant=minbase "$suite" "$root" "$mirror" "$script"
        rm -rf "$dbs"
    fi
    cp /etc/resolv.conf "$root/etc/"
    if [ ! -x "$root/usr/bin/emcc" ] || [ ! -x "$root/usr/bin/node" ]; then
        # The clock here is ahead of a testing suite's Release date.
        chroot "$root" apt-get -o Acquire::Check-Valid-Until=false update
        chroot "$root" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends emscripten nodejs
    fi
}

# Globals, not locals: the EXIT trap runs after run() has returned.
run_root=""
mounted=()
undo() {
    local m
    for m in "${mounted[@]}"; do umount "$m" || true; done
    [ -n "$run_root" ] && rmdir "$run_root/work.$$" 2>/dev/null || true
}

run() {
    local suite="$1" root
    shift
    root="$(root_of "$suite")"
    run_root="$root"
    [ -x "$root/usr/bin/emcc" ] || { echo "no $suite chroot: run '$0 setup $suite' first" >&2; exit 1; }
    trap undo EXIT
    mount -t proc proc "$root/proc" && mounted=("$root/proc" "${mounted[@]}")
    mount --bind /dev "$root/dev" && mounted=("$root/dev" "${mounted[@]}")
    # One mount point per run, so that runs from two checkouts can overlap.
    local work="/work.$$"
    mkdir -p "$root$work"
    mount --bind "$repo" "$root$work" && mounted=("$root$work" "${mounted[@]}")
    # EM_CACHE stays inside the chroot: the system libraries build once.
    # trixie ships them prebuilt in the cache its config names, with
    # FROZEN_CACHE = True (nothing may be built into a cache then): EM_CACHE
    # is left unset there, so emcc keeps to that cache.
    local cache=(EM_CACHE=/root/emcache)
    grep -qs '^FROZEN_CACHE = True' "$root/usr/share/emscripten/.emscripten" && cache=()
    chroot "$root" env "${cache[@]}" HOME=/root sh -c 'cd "$0" && "$@"' "$work" "$@"
}

case "${1:-}" in
    setup) shift; setup "$@" ;;
    run) shift; run "$@" ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
esac
