#!/usr/bin/env python3
"""Headless-browser check of `reprint scan --format html` (issue 5), run by .ci/run.

Renders the example feed's page in Debian's chromium, then checks what the browser made of
it against the JSON report of the same binary:
- the rendered DOM (--dump-dom): the counts shown equal the JSON summary, every repeat,
  boilerplate block and cluster has its element, highlight <mark>s exist and the first
  repeat's marks hold exactly the text of its byte spans, and no <script> element exists;
- the screenshot (--screenshot): a PNG of the requested size in which the first repeat's
  two highlight colours (html.css) were actually painted.

Python standard library only (the PNG is decoded with zlib). Usage:
    tests/browser/check_html.py [REPRINT_BINARY] [OUT_DIR]
OUT_DIR (default: a fresh temporary directory) keeps report.html, report.json, dom.html
and screenshot.png for a person to look at.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FEED = os.path.join(ROOT, "data", "example", "feed.jsonl")
WIDTH, HEIGHT = 1280, 2000
# From src/report/html.css: mark.first and mark.repeat backgrounds.
FIRST_RGB = (0xFF, 0xD9, 0x66)
REPEAT_RGB = (0xF4, 0xA6, 0xA6)
# The page's defaults (report::html::Limits): findings drawn in full.
LIMIT_REPEATS, LIMIT_CLUSTERS = 100, 50


# A directory this run made for its files, removed when the check passes and kept (and named)
# when it fails, for a look at the page; a directory given on the command line is the caller's.
OWN_DIR = None


def fail(msg):
    kept = f" (page and screenshot kept in {OWN_DIR})" if OWN_DIR else ""
    print(f"check_html: FAIL: {msg}{kept}", file=sys.stderr)
    sys.exit(1)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    fail("no chromium on PATH (.ci/run installs Debian's chromium)")


def browser(args, url):
    profile = tempfile.mkdtemp(prefix="reprint-chromium-")
    try:
        cmd = [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--force-color-profile=srgb",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
            url,
        ]
        out = subprocess.run(cmd, capture_output=True, timeout=180)
        if out.returncode != 0:
            fail(f"chromium exited {out.returncode}: {out.stderr.decode(errors='replace')[-2000:]}")
        return out.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Dom(HTMLParser):
    """Collects counts, section elements and the text of every <mark>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.counts = {}
        self.details = {}  # class -> number of <details> elements
        self.scripts = 0
        self.marks = []  # (id of the outermost open <details>, class, text)
        self._count_key = None
        self._mark = None
        self._open = []  # stack of open <details> ids

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if "data-count" in a:
            self._count_key = a["data-count"]
            self.counts[self._count_key] = ""
        if tag == "details":
            self.details[a.get("class", "")] = self.details.get(a.get("class", ""), 0) + 1
            self._open.append(a.get("id", ""))
        if tag == "mark":
            self._mark = [self._open[0] if self._open else "", a.get("class", ""), ""]

    def handle_endtag(self, tag):
        if tag == "td":
            self._count_key = None
        if tag == "details" and self._open:
            self._open.pop()
        if tag == "mark" and self._mark is not None:
            self.marks.append(tuple(self._mark))
            self._mark = None

    def handle_data(self, data):
        if self._count_key is not None:
            self.counts[self._count_key] += data
        if self._mark is not None:
            self._mark[2] += data


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            ihdr = body
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height = int.from_bytes(ihdr[0:4], "big"), int.from_bytes(ihdr[4:8], "big")
    depth, color, interlace = ihdr[8], ihdr[9], ihdr[12]
    if depth != 8 or color not in (2, 6) or interlace != 0:
        fail(f"unexpected PNG format: depth {depth}, colour type {color}, interlace {interlace}")
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def count_colour(rows, bpp, rgb):
    needle = bytes(rgb) + (b"\xff" if bpp == 4 else b"")
    n = 0
    for row in rows:
        start = row.find(needle)
        while start != -1:
            if start % bpp == 0:
                n += 1
            start = row.find(needle, start + 1)
    return n


def words(s):
    return s.split()


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "reprint"))
    global OWN_DIR
    if len(sys.argv) > 2:
        out_dir = sys.argv[2]
    else:
        out_dir = OWN_DIR = tempfile.mkdtemp(prefix="reprint-html-")
    os.makedirs(out_dir, exist_ok=True)
    page = os.path.join(out_dir, "report.html")

    def scan(fmt):
        out = subprocess.run([binary, "scan", "--quiet", "--format", fmt, FEED], capture_output=True)
        if out.returncode != 0:
            fail(f"reprint scan --format {fmt} exited {out.returncode}: {out.stderr.decode()}")
        return out.stdout

    report = json.loads(scan("json"))
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump(report, f)
    with open(page, "wb") as f:
        f.write(scan("html"))

    url = "file://" + page
    dom_text = browser(["--dump-dom"], url).decode("utf-8")
    with open(os.path.join(out_dir, "dom.html"), "w") as f:
        f.write(dom_text)
    dom = Dom()
    dom.feed(dom_text)

    summary = report["summary"]
    for key, value in summary.items():
        shown = dom.counts.get(key, "").strip()
        if shown != str(value):
            fail(f"count {key}: page shows {shown!r}, JSON report has {value}")
    expected = {
        "repeat": min(len(report["repeats"]), LIMIT_REPEATS),
        "boilerplate": len(report["boilerplate"]),
        "cluster": min(len(report["clusters"]), LIMIT_CLUSTERS),
    }
    for cls, n in expected.items():
        if dom.details.get(cls, 0) != n:
            fail(f"{dom.details.get(cls, 0)} <details class={cls}> rendered, expected {n}")
    if dom.scripts:
        fail(f"{dom.scripts} <script> elements in the rendered page")
    classes = {}
    for _, cls, _ in dom.marks:
        classes[cls] = classes.get(cls, 0) + 1
    for cls in ("first", "repeat", "shared", "shared alt"):
        if not classes.get(cls):
            fail(f"no <mark class='{cls}'> rendered (marks: {classes})")

    # The first repeat's marks hold exactly the bytes of its spans.
    r = report["repeats"][0]
    texts = {}
    with open(FEED, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            texts[rec["id"]] = rec["text"].encode("utf-8")
    text = texts[r["article"]]
    for side in ("first", "repeat"):
        got = " ".join(t for d, c, t in dom.marks if d == "r0" and c == side)
        want = text[r[side]["start"] : r[side]["end"]].decode("utf-8")
        if words(got) != words(want):
            fail(f"repeat #1 {side}: marks hold {got[:80]!r}, span holds {want[:80]!r}")

    shot = os.path.join(out_dir, "screenshot.png")
    browser([f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}"], url)
    width, height, bpp, rows = png_pixels(shot)
    if (width, height) != (WIDTH, HEIGHT):
        fail(f"screenshot is {width}x{height}, asked for {WIDTH}x{HEIGHT}")
    # The first repeat is open at the top of the page: both its colours must be painted.
    painted = {}
    for name, rgb in (("first", FIRST_RGB), ("repeat", REPEAT_RGB)):
        painted[name] = count_colour(rows, bpp, rgb)
        if painted[name] < 500:
            fail(f"only {painted[name]} pixels of the {name} highlight colour {rgb} in the screenshot")
    print(
        f"check_html: ok: counts {summary}, marks {classes}, highlight pixels {painted}, "
        f"screenshot {width}x{height} ({os.path.getsize(shot)} bytes)"
        + ("" if OWN_DIR else f" in {out_dir}")
    )
    if OWN_DIR:
        shutil.rmtree(OWN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
