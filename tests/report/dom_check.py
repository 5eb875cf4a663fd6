#!/usr/bin/env python3
"""Checks a DOM dumped by headless Chromium from a report built from hostile.json: nothing
the server sent became markup. Usage: dom_check.py DUMP EXPECTED_TITLE"""
import sys
from html.parser import HTMLParser

# Everything our pages contain; an element outside this list was injected.
OURS = {"html", "head", "meta", "title", "style", "script", "body", "header", "main", "footer", "h1", "h2",
        "h3", "dl", "dt", "dd", "p", "div", "span", "code", "pre", "ul", "li", "a", "details", "summary",
        "section", "select", "option", "label", "input", "table", "tbody", "tr", "th", "td", "svg", "rect", "text"}


class Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.counts, self.title, self.in_title = [], {}, None, False

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag not in OURS:
            self.problems.append(f"injected element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "id" and value == "pwned-by-server":
                self.problems.append("the element a server script would add is present")
            if name in ("href", "src") and value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag}>")
        if tag == "title" and self.title is None:
            self.in_title, self.title = True, ""

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def main():
    dump, expected_title = sys.argv[1], sys.argv[2]
    scan = Scan()
    scan.feed(open(dump, encoding="utf-8", errors="replace").read())
    if scan.counts.get("script", 0) != 1:
        scan.problems.append(f"{scan.counts.get('script', 0)} script elements, expected our one")
    if scan.counts.get("style", 0) != 1:
        scan.problems.append(f"{scan.counts.get('style', 0)} style elements, expected our one")
    if scan.title != expected_title:
        scan.problems.append(f"document title is {scan.title!r}, expected {expected_title!r}")
    for p in scan.problems:
        print("FAIL:", p)
    return 1 if scan.problems else 0


sys.exit(main())
