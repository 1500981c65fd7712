#!/bin/sh
# OCI hook that attaches a container's network namespace to a bridge with Debian's CNI plugins
# (package containernetworking-plugins): `cni-hook.sh add` as a createRuntime hook (the
# namespace exists, the process has not started), `cni-hook.sh del` as a poststop hook.
#
# The runtime gives the container's state on stdin (id, pid) and only the environment the
# config lists: CNI_CONF names the plugin config (default: cni/net.json next to this script).
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
cni_path=${CNI_PATH:-/usr/lib/cni}
conf=${CNI_CONF:-$(dirname "$0")/cni/net.json}

state=$(cat)
id=$(printf '%s' "$state" | jq -r .id)
pid=$(printf '%s' "$state" | jq -r '.pid // 0')
plugin=$cni_path/$(jq -r .type "$conf")

case ${1:-} in
add)
    if ! { [ "$pid" -gt 0 ] && [ -e "/proc/$pid/ns/net" ]; }; then
        echo "cni-hook: container $id has no process (pid $pid)" >&2
        exit 1
    fi
    netns=/proc/$pid/ns/net
    command=ADD
    ;;
del)
    # After the container stopped its namespace is gone with its interface; DEL still
    # releases the address that host-local IPAM keeps for the container id.
    netns=
    command=DEL
    ;;
*)
    echo "usage: cni-hook.sh add|del (container state on stdin)" >&2
    exit 2
    ;;
esac
CNI_COMMAND=$command CNI_CONTAINERID=$id CNI_NETNS=$netns CNI_IFNAME=eth0 CNI_PATH=$cni_path \
    "$plugin" <"$conf" >/dev/null
