#!/usr/bin/env python3
"""Convert containers/common's seccomp.json (what podman loads) into the OCI linux.seccomp
podman passes to the runtime on x86_64 with its default capabilities: the syscall rules
that apply (arch and capability filters resolved), architectures x86_64, x86 and x32."""
import json, sys

DEFAULT_CAPS = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
                "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
                "CAP_SETUID", "CAP_SYS_CHROOT"}
ARCH = "amd64"

src = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/containers/seccomp.json"))
out = {"defaultAction": src["defaultAction"], "architectures": [], "syscalls": []}
if "defaultErrnoRet" in src:
    out["defaultErrnoRet"] = src["defaultErrnoRet"]
for m in src.get("archMap", []):
    if m["architecture"] == "SCMP_ARCH_X86_64":
        out["architectures"] = [m["architecture"]] + m.get("subArchitectures", [])
for rule in src["syscalls"]:
    inc, exc = rule.get("includes", {}), rule.get("excludes", {})
    if inc.get("arches") and ARCH not in inc["arches"]:
        continue
    if exc.get("arches") and ARCH in exc["arches"]:
        continue
    if inc.get("caps") and not set(inc["caps"]) & DEFAULT_CAPS:
        continue
    if exc.get("caps") and set(exc["caps"]) & DEFAULT_CAPS:
        continue
    r = {"names": rule["names"], "action": rule["action"]}
    for k in ("args", "errnoRet"):
        if rule.get(k) is not None:
            r[k] = rule[k]
    out["syscalls"].append(r)
json.dump(out, sys.stdout)
