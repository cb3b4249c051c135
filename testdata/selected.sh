# Sourced by the build scripts: `selected NAME` is true when the script was
# given no names (build everything) or NAME is among them (the array `want`,
# set from the script's arguments before sourcing this).
selected() {
    [ ${#want[@]} -eq 0 ] && return 0
    local w
    for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}
