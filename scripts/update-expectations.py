#!/usr/bin/env python3
"""Drafts a profile's expectations.txt from a run's results, keeping what is still true.

    scripts/update-expectations.py RESULTS.json targets/NAME/expectations.txt > draft.txt

For every case whose verdict is not pass, skip or info, the draft has one line. A line of the
current file whose verdict still holds is kept as it is (clause and explanation included). A new
or changed deviation gets the case's first RFC clause and, as its explanation, `CHECK:` and the
harness's reason: read the case's transcript in the report, then write in plain words what the
server does (or, if the harness is at fault, fix the harness instead of listing the case).
Lines for deviations that went away are dropped and named on stderr. A line that lists several
verdicts (`fail|pass`: the server's behaviour depends on timing) is kept while the run gives any
of them.
"""
import json
import sys

QUIET = {"pass", "skip", "info"}


def read_expectations(path):
    header, entries = [], {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                stripped = line.strip()
                if not stripped or stripped.startswith("#"):
                    if not entries:
                        header.append(line.rstrip("\n"))
                    continue
                fields = stripped.split(None, 3)
                if len(fields) == 4:
                    entries[fields[0]] = (fields[1], fields[2], fields[3])
    except FileNotFoundError:
        pass
    return header, entries


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        run = json.load(f)
    header, old = read_expectations(sys.argv[2])
    rows = []
    for case in run["cases"]:
        verdict = case["verdict"]
        kept = old.get(case["id"])
        if kept and verdict in kept[0].split("|"):
            rows.append((case["id"], *kept))
            continue
        if verdict in QUIET:
            continue
        clause = (case.get("rfc") or ["-"])[0]
        reason = " ".join(case.get("reason", "").split())
        rows.append((case["id"], verdict, clause, "CHECK: " + reason[:300]))
        print(f"{'changed' if kept else 'new'}: {case['id']} {verdict}", file=sys.stderr)
    present = {r[0] for r in rows}
    for case_id in old:
        if case_id not in present:
            print(f"gone: {case_id}", file=sys.stderr)
    for line in header:
        print(line)
    width = max((len(r[0]) for r in rows), default=10)
    for case_id, verdict, clause, explanation in rows:
        print(f"{case_id:<{width}}  {verdict:<11} {clause:<14} {explanation}")


if __name__ == "__main__":
    main()
