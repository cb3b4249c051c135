#!/usr/bin/env bash
# Records <case>.stdout and <case>.exit for every testdata/gojs case with
# each Go's own reference runner: wasm_exec_node.js under node.
#   go1.19: node --no-experimental-global-webcrypto $GOROOT119/misc/wasm/wasm_exec_node.js
#   go1.27: node $GOROOT127/lib/wasm/wasm_exec_node.js
# Mounts (`dir HOSTREL::GUEST`) are copied to a temp dir, and arguments
# equal to GUEST become that temp dir, since node sees the real file system.
# Only the case's env variables are passed (plus the TMPDIR the runner
# adds), TZ=UTC unless the case sets TZ (the guest's TZ is its time zone).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GOROOT119="${GOROOT119:-/usr/lib/go-1.19}"
GOROOT127="${GOROOT127:-$(/tmp/gobin/bin/go env GOROOT)}"

for casefile in "$here"/go1.*/${PROG:-*}/*.case; do
    dir="$(dirname "$casefile")"
    prog="$(basename "$dir")"
    ver="$(basename "$(dirname "$dir")")"
    stem="$(basename "$casefile" .case)"
    case "$ver" in
        go1.19) runner=(node --no-experimental-global-webcrypto "$GOROOT119/misc/wasm/wasm_exec_node.js") ;;
        *) runner=(node "$GOROOT127/lib/wasm/wasm_exec_node.js") ;;
    esac
    args=() envs=(TZ=UTC) guest="" hostdir="" stdin=/dev/null
    tmp="$(mktemp -d)"
    while IFS= read -r line || [ -n "$line" ]; do
        t="${line#"${line%%[![:space:]]*}"}"
        [ -z "$t" ] || [ "${t:0:1}" = "#" ] && continue
        key="${t%% *}"; value=""; [ "$key" != "$t" ] && value="${t#* }"
        case "$key" in
            arg) args+=("$value") ;;
            env) envs+=("$value") ;;
            dir) guest="${value#*::}"; hostdir="$tmp/mnt"; cp -r "$dir/${value%%::*}" "$hostdir" ;;
            stdin) stdin="$dir/$value" ;;
            *) echo "$casefile: unknown key $key" >&2; exit 1 ;;
        esac
    done < "$casefile"
    for i in "${!args[@]}"; do
        if [ -n "$guest" ] && [ "${args[$i]}" = "$guest" ]; then args[$i]="$hostdir"; fi
    done
    set +e
    (cd "$dir" && env -i PATH="$PATH" "${envs[@]}" "${runner[@]}" "$prog.wasm" "${args[@]}" \
        > "$dir/$stem.stdout" 2> "$tmp/stderr" < "$stdin")
    code=$?
    set -e
    echo "$code" > "$dir/$stem.exit"
    echo "$ver/$prog/$stem: exit $code"
    rm -rf "$tmp"
done
