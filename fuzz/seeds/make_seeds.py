#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ (issue 17): small, realistic inputs built from
data/example and data/feeds, synthetic RSS/Atom with HTML bodies, compressed files and hostile
cases. Targets with options take the first byte as their selector (fuzz/src/check.rs).
Run from the crate root: python3 fuzz/seeds/make_seeds.py"""
import gzip, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "fuzz", "corpus")

def zstd(b):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=b, capture_output=True, check=True).stdout

def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

recs = [json.loads(l) for l in open(os.path.join(ROOT, "data/example/feed.jsonl"), encoding="utf-8")]
truth = json.load(open(os.path.join(ROOT, "data/example/truth.json")))
by_id = {r["id"]: r for r in recs}

def short(r, words=120):
    r = dict(r)
    paras = r["text"].split("\n\n")
    out, n = [], 0
    for p in paras:
        out.append(p)
        n += len(p.split())
        if n >= words:
            break
    r["text"] = "\n\n".join(out)
    return r

def jl(rs):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)

# A cluster of reprints (small), plus a repeat and boilerplate carriers.
cl = truth["clusters"][0]["members"][:3]
cluster = [short(by_id[m], 150) for m in cl]
three = [short(r, 60) for r in recs[:3]]
dup = short(recs[5], 40)
dup["text"] = dup["text"] + "\n\n" + dup["text"]

renamed = [{"guid": r["id"], "headline": r["title"], "body": r["text"], "site": r["source"],
            "published": r["date"]} for r in three]

# --- jsonl (selector: bits 0-1 field names, bits 2-3 named/forced/sniffed, 0x40 tiny max) ---
write("jsonl", "example3", b"\x00" + jl(three).encode())
write("jsonl", "renamed", b"\x01" + jl(renamed).encode())
write("jsonl", "sniffed", b"\x08" + jl(three[:2]).encode())
write("jsonl", "forced-crlf-bom", b"\x04" + b"\xef\xbb\xbf" + jl(three[:2]).replace("\n", "\r\n").encode())
hostile = "\n".join([
    '{"id":"a","text":"fine text here"}',
    '{"id":"a","text":"duplicate id"}',
    '{"id":{"x":1},"text":"object id"}',
    '{"id":[1,2],"text":"array id"}',
    '{"id":"b","text":""}',
    '{"id":"c","text":"   "}',
    '{"id":"d"}',
    '{"id":"e","text":42}',
    '{"id":"f","text":null}',
    '[1,2,3]',
    '"just a string"',
    '{"id":"g","text":"unterminated',
    '{"id":"h","text":"escapes \\u00e9 \\ud83d\\ude00 \\n\\n \\t"}',
    '{"id":"i","text":"lone \\ud800 surrogate"}',
    '{"id":7,"text":"numeric id","title":3,"source":true,"date":null}',
    '{"id":"j","text":"trailing"} garbage',
    '   ',
    '{"id":"k","text":"a\\u0000nul"}',
]) + "\n"
write("jsonl", "hostile", b"\x00" + hostile.encode())
write("jsonl", "hostile-small-max", b"\x40" + hostile.encode())
write("jsonl", "invalid-utf8", b"\x00" + b'{"id":"x","text":"caf\xe9"}\n{"id":"y","text":"ok ok"}\n')
write("jsonl", "same-field", b"\x03" + b'{"text":"both id and text","id":"z"}\n{"text":{"a":1}}\n')

# --- text (the whole input is story.txt) ---
write("text", "story", short(recs[0], 80)["text"])
write("text", "repeat", dup["text"])
write("text", "crlf-cr-ls", "First para line.\r\n\r\nSecond para.\rThird\u2028fourth\u2029fifth\n")
write("text", "invalid-utf8", b"Good start.\n\nthen \xff\xfe bad bytes\n")
write("text", "nul", b"text with a \x00 NUL byte\n")
write("text", "blank", b"  \n\t\n")
write("text", "multibyte", "Ünïcödé — “quotes” 日本語のテキスト。\n\nΚείμενο ελληνικά ﬁ ligature ½.\n")

# --- feed (selector: 0 .rss, 1 .atom, 2 .xml, 3 sniffed; 0x40 tiny max) ---
rss = open(os.path.join(ROOT, "data/feeds/valley-courier.rss"), "rb").read()
atom = open(os.path.join(ROOT, "data/feeds/wire-desk.atom"), "rb").read()
write("feed", "valley-courier", b"\x00" + rss)
write("feed", "wire-desk", b"\x01" + atom)
write("feed", "sniffed-rss", b"\x03" + rss[:1500] + b"</channel></rss>")
small_rss = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Test &amp; Co</title>
<item><guid>g1</guid><title>One</title><description>&lt;p&gt;Para &amp;amp; one.&lt;/p&gt;&lt;p&gt;Two&lt;br/&gt;three&lt;/p&gt;</description><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>
<item><link>http://x/2</link><content:encoded><![CDATA[<div>CDATA <b>bold</b> &eacute; &#233; &#x1F600;<script>bad()</script><style>x{}</style><!-- c --><ul><li>a</li><li>b</li></ul></div>]]></content:encoded><dc:date>2024-01-02</dc:date></item>
<item><title>No text</title></item>
<item><guid>g1</guid><description>dup guid</description></item>
</channel></rss>
"""
write("feed", "small-rss", b"\x00" + small_rss.encode())
small_atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Test</title>
<entry><id>urn:1</id><title type="html">T &lt;i&gt;1&lt;/i&gt;</title><content type="html">&lt;h1&gt;Head&lt;/h1&gt;&lt;p&gt;Body text &amp;mdash; here.&lt;/p&gt;</content><published>2024-01-01T00:00:00Z</published></entry>
<entry><link rel="alternate" href="http://x/a"/><summary type="text">Plain &lt;not a tag&gt; text</summary><updated>2024-01-02T00:00:00Z</updated></entry>
<entry><id>urn:3</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>XHTML <em>body</em></p><p>second</p></div></content><source><title>Orig</title></source></entry>
</feed>
"""
write("feed", "small-atom", b"\x01" + small_atom.encode())
rdf = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel><title>RDF</title></channel><item><title>R</title><link>http://r/1</link><description>RSS one point oh.</description></item></rdf:RDF>"""
write("feed", "rdf", b"\x02" + rdf.encode())
write("feed", "malformed", b"\x00" + small_rss.encode()[:700] + b"<item><title>broken</titl></item></channel>")
write("feed", "not-a-feed", b"\x02" + b"<?xml version='1.0'?><html><body><p>hi</p></body></html>")
write("feed", "entities", b"\x00" + b'<!DOCTYPE rss [<!ENTITY x "xx">]><rss><channel><item><description>&x; &bogus; &#0; &#xD800; &amp;lt;p&amp;gt;</description></item></channel></rss>')

# --- compressed (selector: bit 0 gzip/zstd, bits 1-2 inner name, 0x08 payload mode with
#     the last byte the cut point, 256ths of the stream) ---
payload = jl(three).encode()
write("compressed", "jsonl-gz", b"\x00" + gzip.compress(payload, mtime=0))
write("compressed", "jsonl-zst", b"\x01" + zstd(payload))
write("compressed", "rss-gz", b"\x02" + gzip.compress(small_rss.encode(), mtime=0))
write("compressed", "atom-zst", b"\x03" + zstd(small_atom.encode()))
write("compressed", "text-gz", b"\x04" + gzip.compress(dup["text"].encode(), mtime=0))
write("compressed", "sniffed-zst", b"\x07" + zstd(payload))
write("compressed", "two-members-gz", b"\x00" + gzip.compress(payload[:200], mtime=0) + gzip.compress(payload[200:], mtime=0))
write("compressed", "truncated-gz", b"\x00" + gzip.compress(payload, mtime=0)[:300])
write("compressed", "not-compressed", b"\x00" + payload)
write("compressed", "payload-cut-jsonl", b"\x08" + payload + b"\x80")
write("compressed", "payload-cut-rss-zst", b"\x0b" + small_rss.encode() + b"\xa0")
write("compressed", "payload-whole-text", b"\x0c" + dup["text"].encode() + b"\x00")

# --- stdin (whole input, sniffed and held in memory) ---
write("stdin", "jsonl", jl(three[:2]))
write("stdin", "rss", small_rss)
write("stdin", "atom", small_atom)
write("stdin", "text", short(recs[1], 50)["text"])
write("stdin", "garbage", bytes(range(256)) * 2)
write("stdin", "bom-jsonl", b"\xef\xbb\xbf  \n" + jl(three[:1]).encode())
write("stdin", "xml-comment-rss", b"<?xml version='1.0'?><!-- hi --><!DOCTYPE x><rss><channel><item><description>x y z</description></item></channel></rss>")

# --- scan (selector: 0 jsonl, 1 rss, 2 text, 3 sniffed) ---
write("scan", "cluster", b"\x00" + jl(cluster + [dup]).encode())
write("scan", "example3", b"\x00" + jl(three).encode())
items = "".join(
    "<item><guid>%s</guid><title>%s</title><description><![CDATA[%s]]></description></item>" % (
        r["id"], r["title"].replace("&", "&amp;").replace("<", "&lt;"),
        "".join("<p>%s</p>" % p for p in r["text"].split("\n\n")))
    for r in cluster[:2])
write("scan", "cluster-rss", b"\x01" + ("<rss><channel><title>C</title>%s</channel></rss>" % items).encode())
write("scan", "repeat-text", b"\x02" + dup["text"].encode())
write("scan", "hostile", b"\x00" + hostile.encode())
write("scan", "sniffed", b"\x03" + jl(cluster[:2]).encode())
print("seeds written to", OUT)
