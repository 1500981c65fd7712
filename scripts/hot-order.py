#!/usr/bin/env python3
"""Writes lld's symbol ordering file (scripts/hot-symbols.txt) from what the commands touched.

    hot-order.py MAP GROUP...

MAP    lld's link map of the binary that was traced (-Map): every input section, its address,
       size and the symbols defined in it.
GROUP  most important first. Either addresses (hex, one per line, first touch first) that
       valgrind's lackey saw a command execute, read or write; or, in a file named *.names,
       functions perf sampled in real runs: what valgrind cannot show (the container set-up,
       which it cannot follow; the vDSO's set-up and glibc's string functions for this CPU,
       which differ under valgrind), laid out in address order.

lld moves whole input sections, so one symbol per touched section is enough: code and data
(protocol conformance records, type descriptors, metadata, .bss) alike. Peak RSS is made of
the 64 KB windows around each page fault in the binary, so the sections a command touches are
laid out group by group: `state` (which callers poll) first, then the other per-container
commands, then create/run/exec, then what perf sampled.
"""

import bisect
import re
import sys

LINE = re.compile(r"^\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s(\s*)(\S.*)$")


def input_sections(path):
    """[(address, size, [symbol, ...])] for every input section in the map, by address."""
    sections = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        depth = len(m.group(3))
        if depth == 0:  # an output section
            continue
        if depth <= 8:  # an input section ("file:(name)")
            sections.append((int(m.group(1), 16), int(m.group(2), 16), []))
        elif sections:  # a symbol defined in the last input section
            sections[-1][2].append(m.group(4))
    sections.sort(key=lambda s: s[0])
    return sections


def main():
    map_path, groups = sys.argv[1], sys.argv[2:]
    sections = input_sections(map_path)
    starts = [s[0] for s in sections]

    def section_of(address):
        i = bisect.bisect_right(starts, address) - 1
        while i >= 0 and sections[i][1] == 0 and sections[i][0] == address:
            i -= 1  # empty sections share the address of the next one
        if i >= 0 and sections[i][0] <= address < sections[i][0] + sections[i][1]:
            return i
        return None

    # A local name defined in several files would move all of their sections: prefer one
    # that names this section alone.
    uses, defined_in = {}, {}
    for i, (_, _, symbols) in enumerate(sections):
        for s in symbols:
            uses[s] = uses.get(s, 0) + 1
            defined_in.setdefault(s, i)

    def touched(group):
        """The sections a group names, in its order (*.names: by address)."""
        if not group.endswith(".names"):
            return (section_of(int(line.strip(), 16)) for line in open(group))
        # perf names some code only by address ("0x…"): not symbols, dropped.
        return sorted({defined_in[n] for n in (line.strip() for line in open(group)) if n in defined_in})

    ordered, placed = [], set()
    for group in groups:
        for i in touched(group):
            if i is None or i in placed:
                continue
            placed.add(i)
            # Assembler-local labels (.L…) are not symbols lld can order by.
            named = [s for s in sections[i][2] if not s.startswith(".L")]
            if named:
                ordered.append(min(named, key=lambda s: uses[s] > 1))
    print("\n".join(ordered))
    print(f"hot-order: {len(placed)} sections touched, {len(ordered)} symbols", file=sys.stderr)


main()
