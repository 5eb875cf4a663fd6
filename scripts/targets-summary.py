#!/usr/bin/env python3
"""Writes the per-server deviation summary of targets/README.md from targets/*/expectations.txt.

    scripts/targets-summary.py          rewrite the section between the markers
    scripts/targets-summary.py --check  exit 1 when the section is out of date (a ctest)

Each profile's expectations file is the source of truth (case, verdict, clause, explanation);
the README shows, per server, the counts by clause and the full list in a folded table.
"""
import collections
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = ROOT / "targets" / "README.md"
BEGIN = "<!-- deviations:begin (scripts/targets-summary.py writes this section) -->"
END = "<!-- deviations:end -->"


def read(path):
    """The deviations, and the header's prose (comment lines before the first deviation, minus
    the first line and the column legend)."""
    rows, prose = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if not rows and text and not text.startswith(("Known deviations", "case-id")):
                prose.append(text)
            continue
        if not stripped:
            continue
        case_id, verdict, clause, explanation = stripped.split(None, 3)
        rows.append((case_id, verdict, clause, explanation))
    return rows, prose


def description(profile_dir):
    conf = profile_dir / "profile.conf"
    for line in conf.read_text(encoding="utf-8").splitlines():
        if line.split("=", 1)[0].strip() == "description":
            return line.split("=", 1)[1].strip()
    return profile_dir.name


def cell(text):
    return text.replace("|", "\\|")


def section():
    out = [BEGIN, ""]
    for exp in sorted(ROOT.glob("targets/*/expectations.txt")):
        profile = exp.parent
        rows, prose = read(exp)
        by_verdict = collections.Counter(r[1].split("|")[0] for r in rows)
        by_clause = collections.Counter(r[2] for r in rows)
        out.append(f"### {profile.name}")
        out.append("")
        out.append(f"{description(profile)}. " + " ".join(prose))
        if not rows:
            out.append("No known deviation.")
            out.append("")
            continue
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(by_verdict.items()))
        clauses = ", ".join(f"{c} ({n})" for c, n in by_clause.most_common())
        out.append(f"{len(rows)} known deviations ({verdicts}); by clause: {clauses}.")
        out.append("")
        out.append(f"<details><summary>every deviation of {profile.name}, from "
                   f"<code>targets/{profile.name}/expectations.txt</code></summary>")
        out.append("")
        out.append("| case | verdict | clause | what the server does |")
        out.append("|---|---|---|---|")
        for case_id, verdict, clause, explanation in rows:
            out.append(f"| `{case_id}` | {cell(verdict)} | {clause} | {cell(explanation)} |")
        out.append("")
        out.append("</details>")
        out.append("")
    out.append(END)
    return "\n".join(out)


def main():
    text = README.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.exit(f"{README}: the markers of the deviation section are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + section() + tail
    if "--check" in sys.argv[1:]:
        if new != text:
            print("targets/README.md is out of date: run scripts/targets-summary.py", file=sys.stderr)
            sys.exit(1)
        return
    README.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
