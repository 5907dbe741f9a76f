#!/usr/bin/env python3
"""Wire fuzzer: mutated HTTP/1.1 requests over raw sockets, every answer parsed by h11.

Starts the server (or uses --url), then for --seconds sends cases on -j parallel sockets. A case
is one to three valid seed requests (GET/HEAD/POST/PUT/OPTIONS/... to /get, /post, /anything,
/status, /bytes, /stream, /drip, /delay, /headers, /response-headers; Content-Length, chunked and
multipart bodies; keep-alive pipelines), mutated at the token level (request line, field lines,
Content-Length / Transfer-Encoding, chunk framing, trailers) and at the byte level (line endings,
flips, inserts, truncation), sent whole or in pieces, after which the client keeps the socket
open, half-closes it (shutdown(SHUT_WR)), or vanishes (close, or RST via SO_LINGER 0).

Everything that comes back is fed to an h11.Connection(our_role=CLIENT) that was told about the
requests the server was given (the requests h11 itself finds in the bytes sent, with their method
and keep-alive; for garbage, a plain GET or HEAD stands in).

Outcomes (a case can have several):
  unparseable  h11 raised RemoteProtocolError on the response bytes              FAILURE
  cut          the server closed inside a body announced by Content-Length or chunked  FAILURE
  hang         after the request was complete (or the socket half-closed) nothing happened:
               no byte and no close for > idle-timeout + 2 s; or a complete (or invalid) request
               got neither an answer nor a close, or a half-closed connection was not closed
               after its answers, for >= 2 s (the server sat out its idle timeout). "Complete"
               and "invalid" are h11's verdicts as a server on the bytes sent. /delay and /drip
               add their duration. A request cut short in its request line, header block or body
               (by h11, or by our own truncating mutations) may wait for the idle timeout.  FAILURE
  crash        the process exited, or a plain GET /get stopped answering 200 + JSON
               (checked every --check-every cases and at the end)                   FAILURE
  mhd-doubled  libmicrohttpd 0.9.75 wrote its status line and headers twice (known quirk,
               docs/limits.md); counted only when the repeat is exact and the answer parses once
               it is removed                                                        reported
  lenient      a request RFC 9112 says MUST be refused (whitespace before the colon, an invalid or
               conflicting Content-Length, a Transfer-Encoding whose last coding is not chunked,
               Content-Length with Transfer-Encoding) got a 1xx-3xx answer; or an obs-fold was
               accepted and echoed glued to the name or value without a space
                                                                    reported (--strict: FAILURE)

Failing inputs go to hardening/wire-fuzz-findings/: NAME.bin (the bytes sent), NAME.txt (repr of
what was sent and received, the verdict) and NAME.json (for --replay NAME.json).

Usage: hardening/wire-fuzz.py [--bin .build/release/httpbun | --url http://127.0.0.1:8080]
         [--seconds 600] [--seed N] [-j 4] [--cases N] [--strict] [--replay FILE.json]
Needs h11 (make wire-fuzz installs it into hardening/venv). 127.0.0.1 only; bounded in time.
"""
import urllib.parse
import argparse
import base64
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import itertools

try:
    import h11
except ImportError:  # pragma: no cover
    sys.exit("wire-fuzz: needs h11 (python3 -m venv hardening/venv && hardening/venv/bin/pip install h11)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

HOST = "127.0.0.1"
MAX_BODY = 1048576
BIG = 1 << 26                  # h11's buffer limit here: we judge framing, not sizes
QUICK = 2.0                    # a complete request is answered (or closed) well within this
MAX_FILES_PER_CATEGORY = 40
FAILING = ("unparseable", "cut", "hang", "crash")

# ---------------------------------------------------------------------------------------------
# Requests as tokens

class Req:
    """One request: request-line tokens, raw field lines (without line ends), and the body bytes
    as they go on the wire (already framed)."""

    def __init__(self, method, target, lines, body=b"", version=b"HTTP/1.1", slow=0.0):
        self.lead = b""
        self.method, self.sp1, self.target, self.sp2, self.version = method, b" ", target, b" ", version
        self.lines = list(lines)
        self.body = body
        self.slow = slow

    def to_bytes(self):
        out = [self.lead, self.method, self.sp1, self.target, self.sp2, self.version, b"\r\n"]
        for line in self.lines:
            out += [line, b"\r\n"]
        out += [b"\r\n", self.body]
        return b"".join(out)

    def find(self, name):
        name = name.lower()
        return [i for i, l in enumerate(self.lines) if l.split(b":", 1)[0].strip().lower() == name]

    def set_header(self, name, value):
        for i in reversed(self.find(name)):
            del self.lines[i]
        self.lines.append(name + b": " + value)

    def drop(self, name):
        for i in reversed(self.find(name)):
            del self.lines[i]


def chunk_encode(payload, rng, trailers=()):
    pieces, i = [], 0
    while i < len(payload):
        n = rng.randint(1, max(1, min(len(payload) - i, 40)))
        pieces.append(payload[i:i + n])
        i += n
    out = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n"
    out += b"".join(t + b"\r\n" for t in trailers)
    return out + b"\r\n"


def multipart(rng):
    b = b"----wf%d" % rng.randint(0, 10**6)
    body = (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
            b"--" + b + b"\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nhello " + os.urandom(rng.randint(0, 16)).hex().encode() + b"\r\n"
            b"--" + b + b"--\r\n")
    return b"multipart/form-data; boundary=" + b, body


def seed_request(rng, port):
    host = b"Host: 127.0.0.1:%d" % port
    base = [host, b"User-Agent: wire-fuzz", b"Accept: */*"]

    def r(method, target, extra=(), body=None, ctype=None, framing="cl", version=b"HTTP/1.1", slow=0.0):
        lines = base + list(extra)
        wire = b""
        if body is not None:
            if ctype:
                lines.append(b"Content-Type: " + ctype)
            if framing == "chunked":
                lines.append(b"Transfer-Encoding: chunked")
                trailers = [b"X-Trailer: t"] if rng.random() < 0.2 else []
                wire = chunk_encode(body, rng, trailers)
            else:
                lines.append(b"Content-Length: %d" % len(body))
                wire = body
        return Req(method, target, lines, wire, version, slow)

    js = json.dumps({"a": rng.randint(0, 99), "b": "x" * rng.randint(0, 30)}).encode()
    form = b"a=1&b=%d" % rng.randint(0, 99)
    choices = [
        lambda: r(b"GET", b"/get"),
        lambda: r(b"HEAD", b"/get"),
        lambda: r(b"GET", b"/anything/x?a=1"),
        lambda: r(b"POST", b"/post", body=js, ctype=b"application/json"),
        lambda: r(b"POST", b"/post", body=js, ctype=b"application/json", framing="chunked"),
        lambda: r(b"PUT", b"/anything/x?a=1", body=form, ctype=b"application/x-www-form-urlencoded"),
        lambda: r(b"PUT", b"/anything/x?a=1", body=js, framing="chunked"),
        lambda: r(b"OPTIONS", b"/get"),
        lambda: r(b"OPTIONS", b"*"),
        lambda: r(b"GET", b"/status/418"),
        lambda: r(b"GET", b"/status/204"),
        lambda: r(b"GET", b"/status/304"),
        lambda: r(b"GET", b"/bytes/100"),
        lambda: r(b"HEAD", b"/bytes/100"),
        lambda: r(b"GET", b"/stream/3"),
        lambda: r(b"HEAD", b"/stream/3"),
        lambda: r(b"GET", b"/drip?numbytes=5&duration=0.2&delay=0", slow=0.3),
        lambda: r(b"GET", b"/delay/0.1", slow=0.2),
        lambda: r(b"GET", b"/headers"),
        lambda: r(b"GET", b"/response-headers?X-A=1"),
        lambda: r(b"POST", b"/post", body=mp[1], ctype=mp[0]),
        lambda: r(b"POST", b"/post", body=mp[1], ctype=mp[0], framing="chunked"),
        lambda: r(b"POST", b"/anything", body=b"", ctype=b"text/plain"),
        lambda: r(b"DELETE", b"/anything"),
        lambda: r(b"PATCH", b"/anything", body=form, ctype=b"application/x-www-form-urlencoded"),
        lambda: r(b"GET", b"/get", version=b"HTTP/1.0"),
        lambda: r(b"GET", b"/get", extra=[b"Connection: close"]),
        lambda: r(b"POST", b"/post", extra=[b"Expect: 100-continue"], body=js, ctype=b"application/json"),
    ]
    mp = multipart(rng)
    return rng.choice(choices)()


# ---------------------------------------------------------------------------------------------
# Mutations. Each takes (rng, reqs, port) and returns a tag; a tag in MUST_REJECT names a request
# RFC 9112 (or docs/limits.md) says must be answered 400 (then the 'lenient' check applies).

INCOMPLETE_TAGS = {"body-short", "chunk-unterminated", "chunk-size-larger", "chunk-size-huge", "chunk-size", "truncate"}
MUST_REJECT = {"ws-before-colon", "cl-invalid", "cl-conflict", "te-not-chunked-last", "cl+te"}
BAD_BYTES = [b" ", b"\t", b"\x00", b"\x01", b"\r", b"\n", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\x80", b"\xff", b"\xc3\xa9"]


def pick(rng, reqs):
    return rng.choice(reqs)


def with_body(rng, reqs):
    withb = [q for q in reqs if q.find(b"content-length") or q.find(b"transfer-encoding")]
    if withb:
        return rng.choice(withb)
    q = rng.choice(reqs)
    payload = b"x=%d" % rng.randint(0, 999)
    q.set_header(b"Content-Length", b"%d" % len(payload))
    q.body = payload
    if q.method in (b"GET", b"HEAD", b"OPTIONS", b"DELETE"):
        q.method = b"POST"
        q.target = b"/anything"
    return q


def payload_of(q):
    """The logical body of a request whose body we have not mangled yet (best effort)."""
    if q.find(b"transfer-encoding"):
        out, b = b"", q.body
        while True:
            line, sep, rest = b.partition(b"\r\n")
            try:
                n = int(line.split(b";")[0], 16)
            except ValueError:
                return out
            if n == 0 or not sep:
                return out
            out += rest[:n]
            b = rest[n + 2:]
    return q.body


def m_method(rng, reqs, port):
    q = pick(rng, reqs)
    q.method = rng.choice([b"get", b"GETT", b"G\x00ET", b"", b"CONNECT", b"TRACE", b"PRI", b"M" * rng.choice([20, 300, 5000]),
                           b"GET\t", b"\x80\xff", b"PROPFIND", b"BREW", b"G ET", b"GET\x7f", b"POST", b"HEAD", b"DELETE",
                           b"QUERY", b"GET:", b"\x16\x03\x01"])
    return "method"


def m_spacing(rng, reqs, port):
    q = pick(rng, reqs)
    v = rng.choice([b"", b"  ", b"\t", b" \t", b"\x0b", b"\x0c", b"\r", b"\x00", b" " * 100])
    if rng.random() < 0.5:
        q.sp1 = v
    else:
        q.sp2 = v
    return "request-line-space"


def m_target(rng, reqs, port):
    q = pick(rng, reqs)
    q.target = rng.choice([
        b"http://127.0.0.1:%d/get" % port, b"http://127.0.0.1:%d" % port, b"HTTP://127.0.0.1:%d/anything/x?a=1" % port,
        b"https://127.0.0.1/get", b"http://other.example/get", b"*", b"127.0.0.1:%d" % port, b"get", b"/get\x01", b"/ge\x00t",
        b"/get?a=\x7f", b"/\xff\xfe", b"/" + b"a" * rng.choice([1000, 8000, 40000]), b"/get?" + b"a=1&" * rng.choice([10, 3000]),
        b"", b"/get#frag", b"//get", b"/get/../get", b"/%00", b"/get?a=%zz", b"/get http", b"/anything/%2e%2e/x",
        b"/delay/0x10", b"/get\r", b"/get\n", b"/bytes/99999999999999999999", b"/stream/0", b"/status/200,418",
        b"/drip?numbytes=3&duration=0&code=418&delay=0", b"/response-headers?Content-Length=5", b"/response-headers?Transfer-Encoding=chunked",
    ])
    return "target"


def m_version(rng, reqs, port):
    q = pick(rng, reqs)
    q.version = rng.choice([b"HTTP/1.0", b"HTTP/1.2", b"HTTP/2.0", b"http/1.1", b"HTTP/1.1 ", b"HTTP/01.1", b"HTTP/1.1\x00",
                            b"HTTP/1", b"", b"HTTP/1.10", b"HTTP/11", b"HTTP/1.1x", b"HTTP /1.1", b"HTTP/3", b"HTTP/0.9",
                            b"HTTP/1.\xff", b"HTTP/1.1\t"])
    if q.version == b"" and rng.random() < 0.5:
        q.sp2 = b""
    return "version"


def m_lead(rng, reqs, port):
    q = pick(rng, reqs)
    q.lead = rng.choice([b"\r\n", b"\r\n\r\n", b"\n", b" ", b"\x00", b"\r\n" * 50])
    return "leading-bytes"


def field_line(rng, reqs, tag, rewrite):
    """Rewrites one field line of one request: rewrite(name, sep, rest), the line split at its first
    colon, returns the new line. Returns `tag`, or "none" when the request has no field lines."""
    q = pick(rng, reqs)
    if not q.lines:
        return "none"
    i = rng.randrange(len(q.lines))
    q.lines[i] = rewrite(*q.lines[i].partition(b":"))
    return tag


def m_ws_before_colon(rng, reqs, port):
    return field_line(rng, reqs, "ws-before-colon", lambda name, sep, rest: name + rng.choice([b" ", b"\t", b"  "]) + sep + rest)


def m_obs_fold(rng, reqs, port):
    q = pick(rng, reqs)
    i = rng.randint(0, len(q.lines))
    q.lines.insert(i, rng.choice([b" ", b"\t", b"  "]) + rng.choice([b"folded", b"x", b"", b"Content-Length: 5"]))
    return "obs-fold" if i else "obs-fold-first"


def m_name_byte(rng, reqs, port):
    def rewrite(name, sep, rest):
        p = rng.randint(0, len(name))
        return name[:p] + rng.choice(BAD_BYTES + [b"(", b"@", b"\"", b"/"]) + name[p:] + sep + rest
    return field_line(rng, reqs, "name-bad-byte", rewrite)


def m_value_byte(rng, reqs, port):
    def rewrite(name, sep, rest):
        p = rng.randint(0, len(rest))
        return name + sep + rest[:p] + rng.choice(BAD_BYTES) + rest[p:]
    return field_line(rng, reqs, "value-bad-byte", rewrite)


def m_odd_line(rng, reqs, port):
    q = pick(rng, reqs)
    q.lines.insert(rng.randint(0, len(q.lines)), rng.choice([b": value", b":", b"NoColonHere", b"X-Empty:", b"X-Only-Spaces:    ",
                                                            b"\x00: x", b"X-A: 1: 2", b"X-Long: " + b"v" * rng.choice([8000, 40000])]))
    return "odd-field-line"


def m_host(rng, reqs, port):
    q = pick(rng, reqs)
    c = rng.randrange(4)
    if c == 0:
        q.drop(b"host")
    elif c == 1:
        q.lines.append(b"Host: other.example")
    else:
        q.set_header(b"Host", rng.choice([b"", b"a b", b"127.0.0.1:99999", b"[::1", b"x@y", b"\xff", b"127.0.0.1:%d, x" % port]))
    return "host"


def m_many_headers(rng, reqs, port):
    q = pick(rng, reqs)
    n = rng.choice([100, 1000, 4000])
    q.lines[1:1] = [b"X-H%d: %d" % (i, i) for i in range(n)]
    return "many-headers"


def m_connection(rng, reqs, port):
    q = pick(rng, reqs)
    q.set_header(b"Connection", rng.choice([b"close", b"keep-alive", b"Upgrade", b"close, close", b"foo", b"", b"CLOSE",
                                           b"keep-alive, close"]))
    if rng.random() < 0.3:
        q.set_header(b"Upgrade", rng.choice([b"h2c", b"websocket", b"HTTP/2.0"]))
    return "connection"


def m_expect(rng, reqs, port):
    q = with_body(rng, reqs)
    q.set_header(b"Expect", rng.choice([b"100-continue", b"100-Continue", b"foo", b"", b"100-continue, x"]))
    return "expect"


def m_cl_value(rng, reqs, port):
    q = with_body(rng, reqs)
    n = len(q.body)
    v = rng.choice([b"-1", b"+%d" % n, b"0x%x" % n, b" %d" % n, b"%d " % n, b"%d,%d" % (n, n), b"%d, %d" % (n, n + 1), b"",
                    b"abc", b"1e3", b"99999999999999999999", b"000%d" % n, b"\x00%d" % n, b"%d" % (MAX_BODY + 1), b"1 2"])
    q.set_header(b"Content-Length", v)
    q.drop(b"transfer-encoding")
    valid = v.strip().isdigit() or v in (b"%d,%d" % (n, n),)
    return "cl-value" if valid else "cl-invalid"


def m_cl_dup(rng, reqs, port):
    q = with_body(rng, reqs)
    if not q.find(b"content-length"):
        return "none"
    n = len(q.body)
    other = rng.choice([n, n + 1, max(0, n - 1), 0])
    q.lines.insert(rng.randint(0, len(q.lines)), b"Content-Length: %d" % other)
    return "cl-dup-same" if other == n else "cl-conflict"


def m_cl_length(rng, reqs, port):
    q = with_body(rng, reqs)
    if not q.find(b"content-length"):
        return "none"
    if rng.random() < 0.5 and q.body:
        q.body = q.body[:rng.randrange(len(q.body))]                           # shorter than announced
        return "body-short"
    q.body += rng.choice([b"GET /get HTTP/1.1\r\nHost: x\r\n\r\n", b"X", b"\r\n", os.urandom(8), b"0\r\n\r\n"])
    return "body-long"


TE_VALUES = [b"gzip", b"chunked, identity", b"gzip, chunked", b"chunked", b" chunked ", b"Chunked", b"CHUNKED",
             b"chunked;q=1", b"identity", b"chunked, chunked", b"xchunked", b"chunked\x00", b"\x0bchunked", b"chunked,",
             b",chunked", b"deflate", b"identity, chunked", b"chunked\t"]


def m_te(rng, reqs, port):
    q = with_body(rng, reqs)
    payload = payload_of(q)
    had_cl = bool(q.find(b"content-length"))
    v = rng.choice(TE_VALUES + [b"TWICE"])
    q.drop(b"transfer-encoding")
    keep_cl = had_cl and rng.random() < 0.25
    if not keep_cl:
        q.drop(b"content-length")
    if v == b"TWICE":
        q.lines += [b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked"]
        tag = "te-twice"
    else:
        q.lines.append(b"Transfer-Encoding: " + v)
        last = v.split(b",")[-1].strip(b" \t").lower()
        if any(b < 0x20 and b != 0x09 for b in v) or b";" in v:
            tag = "te-odd"               # NUL/CTL (may be refused or read as SP) or a parameter: no fixed answer
        else:
            tag = "te-not-chunked-last" if last != b"chunked" else "te-variant"
    q.body = chunk_encode(payload, rng) if rng.random() < 0.7 else payload
    if keep_cl:
        q.set_header(b"Content-Length", b"%d" % len(q.body))
        return "cl+te"
    return tag


def m_chunks(rng, reqs, port):
    q = with_body(rng, reqs)
    payload = payload_of(q) or b"hello"
    q.drop(b"content-length")
    q.set_header(b"Transfer-Encoding", b"chunked")
    n = len(payload)
    c = rng.randrange(9)
    if c == 0:     # bad chunk size
        size = rng.choice([b"zz", b"-1", b"ffffffffffffffffffff", b"0x%x" % n, b" %x" % n, b"%x " % n, b"+%x" % n, b"",
                           b"%x" % (n + 1), b"%x" % max(0, n - 1), b"%x\x00" % n, b"FFFFFFFF", b"0000000000000000000%x" % n])
        q.body = size + b"\r\n" + payload + b"\r\n0\r\n\r\n"
        return "chunk-size"
    if c == 1:     # chunk extensions
        ext = rng.choice([b";a=b", b";", b";a=\"b c\"", b" ;a", b";" + b"x" * rng.choice([100, 5000, 40000]), b";a\x00"])
        q.body = b"%x" % n + ext + b"\r\n" + payload + b"\r\n0\r\n\r\n"
        return "chunk-ext"
    if c == 2:     # missing or wrong CRLF after the data
        q.body = b"%x\r\n" % n + payload + rng.choice([b"", b"\n", b"\r", b"XX", b"\r\r\n"]) + b"0\r\n\r\n"
        return "chunk-data-crlf"
    if c == 3:     # no last chunk / no final CRLF
        q.body = b"%x\r\n" % n + payload + b"\r\n" + rng.choice([b"", b"0\r\n", b"0"])
        return "chunk-unterminated"
    if c == 4:     # trailers
        tr = rng.choice([b"X-T: 1", b"X-T 1", b"Content-Length: 5", b" fold", b"X-T: \x00", b"X-T : 1", b"Transfer-Encoding: chunked"])
        q.body = b"%x\r\n" % n + payload + b"\r\n0\r\n" + tr + b"\r\n\r\n"
        return "trailer"
    if c == 5:     # chunk larger than the data
        q.body = b"%x\r\n" % (n + rng.choice([1, 100, 10**6])) + payload + b"\r\n0\r\n\r\n"
        return "chunk-size-larger"
    if c == 6:     # huge
        q.body = rng.choice([b"7fffffffffffffff", b"8000000000000000", b"100000"]) + b"\r\n" + payload
        return "chunk-size-huge"
    if c == 7:     # many tiny chunks
        q.body = b"".join(b"1\r\n%c\r\n" % ch for ch in payload[:200]) + b"0\r\n\r\n"
        return "chunk-tiny"
    q.body = b"%x\r\n" % n + payload + b"\r\n0\r\n\r\n" + rng.choice([b"GARBAGE\r\n\r\n", b"\r\n", b"0\r\n\r\n"])
    return "chunk-extra-after"


TOKEN_MUTATIONS = [
    (m_method, 3), (m_spacing, 3), (m_target, 4), (m_version, 3), (m_lead, 1),
    (m_ws_before_colon, 3), (m_obs_fold, 3), (m_name_byte, 3), (m_value_byte, 3), (m_odd_line, 2), (m_host, 2),
    (m_many_headers, 1), (m_connection, 2), (m_expect, 1),
    (m_cl_value, 3), (m_cl_dup, 2), (m_cl_length, 3), (m_te, 5), (m_chunks, 5),
]


def byte_mutation(rng, data):
    """Returns (tag, data, truncated)."""
    if not data:
        return "none", data, False
    c = rng.randrange(8)
    if c == 0:
        return "crlf-to-lf-all", data.replace(b"\r\n", b"\n"), False
    if c == 1:
        idx = [i for i in range(len(data) - 1) if data[i:i + 2] == b"\r\n"]
        if idx:
            i = rng.choice(idx)
            rep = rng.choice([b"\n", b"\r", b"\n\r", b"\r\r\n", b" \r\n", b"\r\n\r\n"])
            return "line-end", data[:i] + rep + data[i + 2:], False
        return "none", data, False
    if c == 2:
        return "crlf-to-cr-all", data.replace(b"\r\n", b"\r"), False
    if c == 3:
        i = rng.randrange(len(data))
        return "flip", data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:], False
    if c == 4:
        i = rng.randint(0, len(data))
        return "insert", data[:i] + rng.choice(BAD_BYTES + [b":", b";", b"0", b"\r\n", b"\r\n\r\n"]) + data[i:], False
    if c == 5:
        i = rng.randrange(len(data))
        return "delete", data[:i] + data[i + 1:], False
    if c == 6:
        i = rng.randrange(len(data))
        j = min(len(data), i + rng.randint(1, 64))
        return "duplicate", data[:j] + data[i:j] + data[j:], False
    return "truncate", data[:rng.randrange(len(data))], True


# ---------------------------------------------------------------------------------------------
# Cases

def make_case(rng, port):
    n = 1 if rng.random() < 0.8 else rng.randint(2, 3)
    reqs = [seed_request(rng, port) for _ in range(n)]
    tags, byte_tags = [], []
    r = rng.random()
    nmut = 0 if r < 0.08 else (1 if r < 0.55 else rng.randint(2, 4))
    fns = [f for f, w in TOKEN_MUTATIONS for _ in range(w)]
    must = None
    for _ in range(nmut):
        if rng.random() < 0.75:
            before = [q.to_bytes() for q in reqs]
            tag = rng.choice(fns)(rng, reqs, port)
            changed = [i for i, q in enumerate(reqs) if q.to_bytes() != before[i]]
            if tag != "none":
                tags.append(tag)
                if (tag in MUST_REJECT or tag == "obs-fold") and changed:
                    must = (tag, changed[0])
        else:
            byte_tags.append(None)   # placeholder: applied after serialization
    data = b"".join(q.to_bytes() for q in reqs)
    truncated = False
    for i in range(len(byte_tags)):
        tag, data, tr = byte_mutation(rng, data)
        byte_tags[i] = tag
        truncated = truncated or tr
    tags += [t for t in byte_tags if t != "none"]
    if byte_tags or len(tags) != 1:
        must = None        # the 'lenient' verdict only for one clean token mutation
    mode = rng.choices(["open", "half", "close", "rst"], [35, 35, 15, 15])[0]
    if mode in ("close", "rst") and data and rng.random() < 0.5:
        data = data[:rng.randrange(len(data))]
        truncated = True
    pieces = []
    if rng.random() < 0.6 or len(data) < 2:
        pieces = [(data, 0.0)]
    else:
        cuts = sorted(set(rng.randrange(1, len(data)) for _ in range(rng.randint(1, 5))))
        prev = 0
        for c in cuts + [len(data)]:
            pieces.append((data[prev:c], rng.choice([0.0, 0.001, 0.01, 0.03])))
            prev = c
    return {
        "tags": tags or ["unmutated"],
        "mutated": bool(tags),
        "methods": [q.method for q in reqs],
        "pieces": pieces,
        "mode": mode,
        "read_before_vanish": rng.choice([0.0, 0.0, rng.uniform(0.0, 0.3)]),
        "wait_idle": rng.random() < 0.15,
        "slow": sum(q.slow for q in reqs),
        "must_reject": must,
        "truncated": truncated,
    }


def case_to_json(case):
    d = dict(case)
    d["methods"] = [m.decode("latin-1") for m in case["methods"]]
    d["pieces"] = [[base64.b64encode(p).decode(), t] for p, t in case["pieces"]]
    return d


def case_from_json(d):
    c = dict(d)
    c["methods"] = [m.encode("latin-1") for m in d["methods"]]
    c["pieces"] = [(base64.b64decode(p), t) for p, t in d["pieces"]]
    c["must_reject"] = tuple(d["must_reject"]) if d.get("must_reject") else None
    return c


# ---------------------------------------------------------------------------------------------
# Running one case

def run_case(case, port, idle):
    """Sends the case and reads until the server closes, a silence longer than idle + 2 s (+ the
    slow endpoints' time), or (keep-open mode) a short grace after all expected answers."""
    res = {"chunks": [], "closed": None, "send_error": None, "stop": None}
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(5)
    t0 = time.monotonic()
    try:
        s.connect((HOST, port))
    except OSError as e:
        s.close()
        res.update(connect_error=str(e), t_sent=t0, t_end=time.monotonic(), sent=b"")
        return res
    actually_sent = b""
    try:
        for piece, delay in case["pieces"]:
            if delay:
                time.sleep(delay)
            try:
                s.sendall(piece)
                actually_sent += piece
            except OSError as e:
                res["send_error"] = type(e).__name__
                break
        mode = case["mode"]
        if mode in ("close", "rst"):
            if case["read_before_vanish"]:
                s.settimeout(case["read_before_vanish"])
                try:
                    s.recv(65536)
                except OSError:
                    pass
            if mode == "rst":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            res.update(t_sent=time.monotonic(), t_end=time.monotonic(), sent=actually_sent, vanished=True)
            return res
        if mode == "half":
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        t_sent = time.monotonic()
        res.update(t_sent=t_sent, sent=actually_sent)
        oracle = request_oracle(actually_sent)
        expected = len(oracle["reqs"])
        silence_limit = idle + 2.0 + case["slow"]
        hard = t_sent + silence_limit + 8.0
        last = t_sent
        data = b""
        done_at = None
        while True:
            now = time.monotonic()
            if now >= hard:
                res["stop"] = "cap"
                break
            if now - last > silence_limit:
                res["stop"] = "silence"
                break
            if mode == "open" and not case["wait_idle"] and done_at is not None and now - done_at >= 0.3:
                res["stop"] = "answered"
                break
            s.settimeout(max(0.01, min(0.25, hard - now)))
            try:
                b = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                res["closed"] = ("rst", time.monotonic())
                break
            except OSError as e:
                res["closed"] = ("error " + type(e).__name__, time.monotonic())
                break
            now = time.monotonic()
            last = now
            if not b:
                res["closed"] = ("fin", now)
                break
            res["chunks"].append((now, b))
            data += b
            if mode == "open" and done_at is None:
                got = parse_responses([(now, data)], False, attribution(oracle, case, 0))
                if got["error"] is None and len(got["responses"]) >= max(1, expected) and not got["partial"]:
                    done_at = now
        res["t_end"] = time.monotonic()
        res["oracle"] = oracle
        return res
    finally:
        s.close()


def lenient_request_line(sent):
    """The bytes with the first line's runs of spaces and tabs made single spaces: how a server may
    read a request line (RFC 9112 section 3 lets it parse on whitespace boundaries)."""
    line, sep, rest = sent.partition(b"\n")
    return re.sub(rb"[ \t]+", b" ", line) + sep + rest


def request_oracle(sent, lenient=False):
    """What h11, as a server, makes of the bytes sent: the complete requests (method, keep-alive,
    headers that shape the answer) and how the stream ends: clean, incomplete (more bytes would be
    needed), invalid (h11 refuses it) or must-close (a request asked to close after its answer)."""
    c = h11.Connection(h11.SERVER, max_incomplete_event_size=BIG)
    # RFC 9112 2.2: a server SHOULD ignore empty lines before the request line (h11 does not)
    c.receive_data(sent.lstrip(b"\r\n"))
    reqs, end, err, cur = [], "clean", None, None
    for _ in range(64):
        try:
            ev = c.next_event()
        except h11.RemoteProtocolError as e:
            end, err = "invalid", str(e)
            # What h11 refuses may be no request yet: empty lines (which RFC 9112 section 2.2 lets
            # a server skip before a request line) or a line not yet ended. A server may wait for
            # more there, as for any unfinished head.
            if b"\n" not in bytes(c.trailing_data[0]).lstrip(b"\r\n"):
                end = "incomplete-head"
            elif not lenient and not reqs:
                # A request line h11 refuses for its spacing may be read on whitespace boundaries;
                # if that reading still needs bytes, a server that takes it may wait for them.
                other = request_oracle(lenient_request_line(sent.lstrip(b"\r\n")), lenient=True)
                if other["end"].startswith("incomplete"):
                    end = other["end"]
            break
        if ev is h11.NEED_DATA:
            buf = c.trailing_data[0]
            if c.their_state is h11.SEND_BODY:
                end = "incomplete-body"
            elif buf:
                end = "incomplete-head"
            break
        if isinstance(ev, h11.Request):
            cur = ev
        elif isinstance(ev, h11.EndOfMessage):
            hdrs = [(k, v) for k, v in cur.headers if k in (b"connection", b"upgrade")]
            ka = cur.http_version >= b"1.1" and not any(
                k == b"connection" and b"close" in [t.strip().lower() for t in v.split(b",")] for k, v in cur.headers)
            reqs.append((cur.method, ka, hdrs))
            if cur.method == b"CONNECT":
                end = "switch"          # a 2xx makes it a tunnel: what follows is not HTTP
                break
            try:
                c.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
                c.send(h11.EndOfMessage())
            except h11.LocalProtocolError:
                end = "switch"
                break
            if c.our_state is h11.MUST_CLOSE or c.their_state is not h11.DONE:
                end = "must-close"
                break
            c.start_next_cycle()
        elif ev is h11.PAUSED:
            end = "switch"
            break
    return {"reqs": reqs, "end": end, "error": err}


def attribution(oracle, case, variant):
    """The requests to tell the client-side h11 about, one per expected answer."""
    out = [(m, ka, hdrs) for m, ka, hdrs in oracle["reqs"]]
    if variant == 0:
        return out
    # variant k > 0: for mutated garbage, each of the first three answers may belong to a GET or a HEAD
    # (a HEAD answer has no body), and keep-alive is assumed
    alts = []
    k = variant - 1
    for i in range(3):
        choice = (k >> i) & 1
        alts.append((b"HEAD" if choice else b"GET", True, []))
    return alts


def parse_responses(chunks, eof, attrib):
    """Feeds the bytes to a client-side h11 that 'sent' attrib[i] before answer i. Returns the
    answers (status, body size, time complete), an error ('unparseable' / 'cut', message) if any,
    and whether an answer was left incomplete."""
    c = h11.Connection(h11.CLIENT, max_incomplete_event_size=BIG)
    responses, info, boundaries = [], 0, []
    idx = [0]

    def send_next():
        m, ka, hdrs = attrib[idx[0]] if idx[0] < len(attrib) else (b"GET", True, [])
        headers = [(b"Host", b"x")] + [(k, v) for k, v in hdrs if k != b"connection" or ka]
        if not ka:
            headers.append((b"Connection", b"close"))
        try:
            c.send(h11.Request(method=m, target=b"/", headers=headers))
        except h11.LocalProtocolError:
            c.send(h11.Request(method=b"HEAD" if m == b"HEAD" else b"GET", target=b"/", headers=[(b"Host", b"x")] +
                               ([] if ka else [(b"Connection", b"close")])))
        c.send(h11.EndOfMessage())

    send_next()
    cur = None
    feed = list(chunks)
    if eof is not None and eof is not False:
        feed.append((eof if isinstance(eof, float) else (chunks[-1][0] if chunks else 0.0), None))
    error, closed_early, switched = None, False, False
    for t, b in feed:
        c.receive_data(b if b is not None else b"")
        while True:
            before = c.their_state
            try:
                ev = c.next_event()
            except h11.RemoteProtocolError as e:
                msg = str(e)
                if "ConnectionClosed" in msg and before is h11.SEND_RESPONSE and not c.trailing_data[0]:
                    closed_early = True      # closed before (another) answer began: allowed
                    break
                cut = "without sending complete message body" in msg or (
                    "unexpectedly closed" in msg and before is h11.SEND_BODY)
                error = ("cut" if cut else "unparseable", msg, t)
                break
            if ev is h11.NEED_DATA:
                break
            if ev is h11.PAUSED:
                if c.their_state is h11.DONE and c.our_state is h11.DONE:
                    c.start_next_cycle()
                    idx[0] += 1
                    send_next()
                    continue
                switched = True      # a 2xx to CONNECT (or a 101): the rest is not HTTP
                if cur is not None:
                    cur["t_done"] = t
                    boundaries.append(t)
                    responses.append(cur)
                    cur = None
                break
            if isinstance(ev, h11.InformationalResponse):
                info += 1
                boundaries.append(t)
            elif isinstance(ev, h11.Response):
                cur = {"status": ev.status_code, "body": 0, "data": b"", "t_head": t,
                       "headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, v in ev.headers]}
            elif isinstance(ev, h11.Data):
                cur["body"] += len(ev.data)
                if len(cur["data"]) < 65536:
                    cur["data"] += ev.data[:65536]
            elif isinstance(ev, h11.EndOfMessage):
                cur["t_done"] = t
                boundaries.append(t)
                responses.append(cur)
                cur = None
            elif isinstance(ev, h11.ConnectionClosed):
                break
        if error or closed_early or switched:
            break
    partial = cur is not None or (error is None and bool(c.trailing_data[0]))
    return {"responses": responses, "error": error, "partial": partial, "informational": info, "boundaries": boundaries, "switched": switched,
            "their_state": str(c.their_state)}


def dedouble(data):
    """Removes an exact second copy of a status line + header block that follows the first
    (libmicrohttpd 0.9.75's known quirk). Returns (found, data)."""
    pos, found = 0, False
    while True:
        p = data.find(b"HTTP/1.", pos)
        if p < 0:
            return found, data
        e = data.find(b"\r\n\r\n", p)
        if e < 0:
            return found, data
        head = data[p:e + 4]
        if data.startswith(head, e + 4):
            data = data[:e + 4] + data[e + 4 + len(head):]
            found = True
        pos = e + 4


def judge(case, res, idle, strict):
    """Turns what happened on the wire into verdicts. Returns a dict with 'findings' (list of
    (category, detail)), 'statuses', flags."""
    v = {"findings": [], "statuses": [], "no_answer": False, "doubled": False, "lenient": None}
    if res.get("connect_error"):
        v["findings"].append(("crash", "connect failed: " + res["connect_error"]))
        v["connect_error"] = True
        return v
    if res.get("vanished"):
        return v
    oracle = res["oracle"]
    chunks = res["chunks"]
    eof = res["closed"][1] if res["closed"] else None
    data = b"".join(b for _, b in chunks)
    got = parse_responses(chunks, eof, attribution(oracle, case, 0))
    if got["error"]:
        # Other readings before calling it unparseable: for garbage, which answers belong to a HEAD;
        # and without an exact second copy of a header block (libmicrohttpd 0.9.75's quirk).
        found, clean = dedouble(data)
        readings = [(chunks, False)] + ([([(chunks[-1][0], clean)], True)] if found else [])
        variants = range(0, 9) if case["mutated"] else range(0, 1)
        for feed, doubled in readings:
            for variant in variants:
                if variant == 0 and not doubled:
                    continue
                alt = parse_responses(feed, eof, attribution(oracle, case, variant))
                if alt["error"] is None:
                    got = alt
                    v["doubled"] = doubled
                    break
            if got["error"] is None:
                break
    if got["error"]:
        kind, msg, t = got["error"]
        v["findings"].append((kind, msg))
    responses = got["responses"]
    v["statuses"] = [r["status"] for r in responses]
    if not data and res["closed"]:
        v["no_answer"] = True

    # Timing: walk the silences after the request was sent and ask what the server owed then.
    slow = case["slow"]
    quick = QUICK + slow
    silence_limit = idle + 2.0 + slow
    t_sent = res["t_sent"]
    expected = len(oracle["reqs"])
    end = oracle["end"]
    half = case["mode"] == "half"
    # a body or head our own mutations left short: a lenient server may wait for the rest
    # (or no LF-based blank line at all: with bare CRs only, the server may still be reading the head)
    sent = res.get("sent", b"")
    known_incomplete = (case["truncated"] or bool(INCOMPLETE_TAGS.intersection(case["tags"]))
                        or not re.search(rb"\n\r?\n", sent))
    events = [t for t, _ in chunks if t >= t_sent] + [eof if eof else res["t_end"]]
    prev = t_sent
    for et in events:
        gap = et - prev
        done = [r for r in responses if r["t_done"] <= prev + 1e-9]
        answered = len(done)
        last_byte = max([t for t, _ in chunks if t <= prev + 1e-9], default=None)
        last_done = max([t for t in got["boundaries"] if t <= prev + 1e-9], default=None)
        mid = last_byte is not None and (last_done is None or last_byte > last_done + 1e-9)
        owed = kind = None
        if answered < expected:
            owed, kind = "an answer to a complete request", "complete request not answered"
        elif end == "invalid" and answered == expected and not mid and not known_incomplete:
            owed = "an answer (or a close) to a request h11 refuses (%s)" % oracle["error"]
            kind = "refused request neither answered nor closed"
        elif half and (end in ("clean", "must-close") or (end == "invalid" and not known_incomplete)):
            owed, kind = "a close after the last answer on a half-closed connection", "half-closed, not closed after the answers"
        elif end == "must-close":
            owed, kind = "a close after answering a request that asked for one", "not closed after Connection: close"
        if mid:
            owed, kind = "the rest of an answer", "answer stalled midway"
        if got.get("switched") and answered >= expected:
            owed = kind = None
        if gap > silence_limit:
            v["findings"].append(("hang", "nothing for %.1f s (> idle-timeout + 2 s); waiting for %s" %
                                  (gap, owed or "a close (idle timeout)")))
            v["hang_kind"] = "silent > idle-timeout + 2 s"
            break
        if owed and gap >= quick and not (got["error"] and got["error"][0] == "unparseable"):
            closed_then = " then closed" if eof and et == eof else ""
            v["findings"].append(("hang", "%.1f s of silence%s while the server owed %s" % (gap, closed_then, owed)))
            v["hang_kind"] = kind
            break
        prev = et
    if res["stop"] == "cap":
        v["findings"].append(("hang", "still sending after %.1f s" % (res["t_end"] - t_sent)))
        v["hang_kind"] = "endless answer"

    must = case.get("must_reject")
    if must:
        tag, k = must
        if tag == "obs-fold":
            # RFC 9112 5.2: refuse it, or replace the fold with SP. An echo that glued the continuation
            # to the name or value without a space did neither.
            if len(responses) > k and responses[k]["status"] < 400:
                body = responses[k]["data"]
                p = body.find(b'folded"')
                if p > 0 and body[p - 1:p] not in (b" ", b"\t", b'"') and body[p - 2:p] != b"\\t":
                    v["lenient"] = "obs-fold-misjoined"
                    if strict:
                        v["findings"].append(("lenient", "obs-fold joined without a space"))
        elif len(responses) > k and responses[k]["status"] < 400:
            v["lenient"] = tag
            if strict:
                v["findings"].append(("lenient", "%s answered %d" % (tag, responses[k]["status"])))
    v["got"] = got
    return v


# ---------------------------------------------------------------------------------------------
# The server

def get_ok(port, timeout=5.0):
    """A plain GET /get answers 200 with a JSON echo (parsed by h11)."""
    try:
        s = socket.create_connection((HOST, port), timeout=timeout)
    except OSError:
        return False
    try:
        s.sendall(b"GET /get?alive=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        c = h11.Connection(h11.CLIENT, max_incomplete_event_size=BIG)
        c.send(h11.Request(method="GET", target="/get?alive=1", headers=[("Host", "127.0.0.1"), ("Connection", "close")]))
        c.send(h11.EndOfMessage())
        deadline = time.monotonic() + timeout
        status, body = None, b""
        while time.monotonic() < deadline:
            ev = c.next_event()
            if ev is h11.NEED_DATA:
                s.settimeout(max(0.05, deadline - time.monotonic()))
                c.receive_data(s.recv(65536))
                continue
            if isinstance(ev, h11.Response):
                status = ev.status_code
            elif isinstance(ev, h11.Data):
                body += ev.data
            elif isinstance(ev, h11.EndOfMessage):
                j = json.loads(body)
                return status == 200 and j.get("args") == {"alive": "1"}
            elif isinstance(ev, h11.ConnectionClosed):
                return False
        return False
    except (OSError, ValueError, h11.ProtocolError):
        return False
    finally:
        s.close()


class Server:
    def __init__(self, binary, idle):
        try:
            self.proc, self.port = harness.start([binary, "--port", "0", "--idle-timeout", str(idle), "--max-body-size",
                                                  str(MAX_BODY), "--log-level", "warning"])
        except harness.StartError as e:
            raise SystemExit("wire-fuzz: server did not start: %r %s" % (e.line, e.stderr[-3000:]))

    def alive(self):
        return self.proc.poll() is None

    def stderr_tail(self, n=3000):
        return harness.stderr_of(self.proc, last=n)

    def stop(self):
        return harness.stop(self.proc)


# ---------------------------------------------------------------------------------------------
# Reporting

def describe(case, res, v):
    sent = res.get("sent", b"")
    received = b"".join(b for _, b in res.get("chunks", []))
    lines = [
        "tags: %s" % ", ".join(case["tags"]),
        "mode: %s%s   pieces: %d   slow: %.1f s" % (case["mode"], " (waits for the idle close)" if case.get("wait_idle") and case["mode"] == "open" else "",
                                                    len(case["pieces"]), case["slow"]),
        "findings: %s" % "; ".join("%s: %s" % f for f in v["findings"]),
        "oracle (h11 as a server): %s" % ({k: (val if k != "reqs" else [(m.decode("latin-1"), ka) for m, ka, _ in val])
                                          for k, val in res.get("oracle", {}).items()},),
        "answers: %s   closed: %s   stop: %s   send error: %s" % (
            v["statuses"], (res["closed"][0] + " after %.2f s" % (res["closed"][1] - res["t_sent"])) if res.get("closed") else None,
            res.get("stop"), res.get("send_error")),
        "timeline (s after sending, bytes): %s" % [(round(t - res["t_sent"], 2), len(b)) for t, b in res.get("chunks", [])][:40],
        "",
        "sent (%d bytes):" % len(sent),
        repr(sent[:6000]) + (" ..." if len(sent) > 6000 else ""),
        "",
        "received (%d bytes):" % len(received),
        repr(received[:6000]) + (" ..." if len(received) > 6000 else ""),
    ]
    return "\n".join(lines) + "\n"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.cases = 0
        self.passed = 0
        self.failed = 0
        self.classes = {}
        self.no_answer = 0
        self.vanished = 0
        self.cats = {c: 0 for c in FAILING + ("lenient",)}
        self.doubled = 0
        self.lenient_tags = {}
        self.examples = {}
        self.files = {}
        self.hang_kinds = {}


def save_finding(outdir, stats, name, category, case, res, v):
    with stats.lock:
        n = stats.files.get(category, 0)
        if n >= MAX_FILES_PER_CATEGORY:
            return None
        stats.files[category] = n + 1
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, name)
    with open(base + ".bin", "wb") as f:
        f.write(res.get("sent", b""))
    with open(base + ".txt", "w") as f:
        f.write(describe(case, res, v))
    with open(base + ".json", "w") as f:
        json.dump(case_to_json(case), f)
    return base


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=".build/release/httpbun")
    ap.add_argument("--url", help="use a running server (its idle timeout must be --idle-timeout)")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--cases", type=int, default=0, help="stop after this many cases (0: only --seconds)")
    ap.add_argument("--seed", type=int)
    ap.add_argument("-j", "--concurrency", type=int, default=4)
    ap.add_argument("--idle-timeout", type=float, default=3)
    ap.add_argument("--check-every", type=int, default=25, help="GET /get liveness check every N cases")
    ap.add_argument("--findings", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire-fuzz-findings"))
    ap.add_argument("--strict", action="store_true", help="count 'lenient' answers as failures")
    ap.add_argument("--replay", metavar="FILE.json", help="send one saved case and print the verdict")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    idle = args.idle_timeout
    args.concurrency = max(1, min(args.concurrency, 16))

    server = None
    if args.url:
        port = urllib.parse.urlsplit(args.url).port
    else:
        server = Server(args.bin, int(idle) if float(idle).is_integer() else idle)
        port = server.port

    if args.replay:
        with open(args.replay) as f:
            case = case_from_json(json.load(f))
        res = run_case(case, port, idle)
        v = judge(case, res, idle, args.strict)
        print(describe(case, res, v))
        ok = get_ok(port) and (server is None or server.alive())
        print("server alive afterwards:", ok)
        if server:
            server.stop()
        bad = [f for f in v["findings"] if f[0] in FAILING or (args.strict and f[0] == "lenient")]
        print("wire-fuzz: %d passed, %d failed" % (0 if bad or not ok else 1, 1 if bad or not ok else 0))
        return 1 if bad or not ok else 0

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print("wire-fuzz: seed %d, server %s, %s s, -j %d, idle-timeout %s s" % (
        seed, args.url or args.bin, args.seconds, args.concurrency, idle), flush=True)
    run_id = "s%d" % seed
    stats = Stats()
    stop = threading.Event()
    counter = itertools.count()
    started = time.monotonic()
    end_at = started + args.seconds
    # a case takes at most idle + 2 + slow + 8 s; stop starting new ones early enough
    launch_until = end_at - min(idle + 10.0, args.seconds / 4)
    crash_notes = []
    recent = []          # (index, case) of recent cases, to name suspects when the server dies

    def liveness(where):
        if server is not None and not server.alive():
            return "server exited with status %s (%s)" % (server.proc.returncode, where)
        if not get_ok(port):
            if server is not None and not server.alive():
                return "server exited with status %s (%s)" % (server.proc.returncode, where)
            return "GET /get no longer answers 200 + JSON (%s)" % where
        return None

    def worker():
        while not stop.is_set():
            i = next(counter)
            if args.cases and i >= args.cases:
                return
            if time.monotonic() >= launch_until:
                return
            rng = random.Random("%d-%d" % (seed, i))
            case = make_case(rng, port)
            with stats.lock:
                recent.append((i, case))
                del recent[:-2 * args.concurrency - 2]
            res = run_case(case, port, idle)
            if res.get("connect_error"):
                note = liveness("connect refused at case %d" % i)
                if note:                      # the server is gone: one crash, not one per case
                    with stats.lock:
                        if not stop.is_set():
                            crash_notes.append(note)
                    stop.set()
                    return
            v = judge(case, res, idle, args.strict)
            with stats.lock:
                stats.cases += 1
                for st in v["statuses"]:
                    k = "%dxx" % (st // 100)
                    stats.classes[k] = stats.classes.get(k, 0) + 1
                stats.no_answer += v["no_answer"]
                stats.vanished += bool(res.get("vanished"))
                stats.doubled += v["doubled"]
                if v["lenient"]:
                    stats.cats["lenient"] += 1
                    stats.lenient_tags[v["lenient"]] = stats.lenient_tags.get(v["lenient"], 0) + 1
                    stats.examples.setdefault("lenient", []).append((i, case, res))
                cats = sorted(set(c for c, _ in v["findings"]))
                for c in cats:
                    if c in stats.cats and not (c == "lenient"):
                        stats.cats[c] += 1
                    if c == "hang":
                        kind = v.get("hang_kind", "?")
                        stats.hang_kinds[kind] = stats.hang_kinds.get(kind, 0) + 1
                bad = [c for c in cats if c in FAILING or (args.strict and c == "lenient")]
                if bad:
                    stats.failed += 1
                else:
                    stats.passed += 1
            if v["doubled"]:
                save_finding(args.findings, stats, "%s-%06d-mhd-doubled" % (run_id, i), "mhd-doubled", case, res, v)
            if v["lenient"]:
                save_finding(args.findings, stats, "%s-%06d-lenient" % (run_id, i), "lenient", case, res, v)
            if bad:
                cat = bad[0]
                path = save_finding(args.findings, stats, "%s-%06d-%s" % (run_id, i, cat), cat, case, res, v)
                with stats.lock:
                    ex = stats.examples.setdefault(cat, [])
                    if len(ex) < 3 or args.verbose:
                        ex.append(None)
                        print("FAIL case %d [%s] %s: %s%s" % (i, ", ".join(case["tags"]), case["mode"],
                                                              "; ".join("%s: %s" % f for f in v["findings"])[:300],
                                                              ("\n     sent: %r" % res.get("sent", b"")[:200]) +
                                                              ("\n     saved: %s.txt" % path if path else "")), flush=True)
            elif args.verbose:
                print("ok   case %d [%s] %s: %s" % (i, ", ".join(case["tags"]), case["mode"], v["statuses"]), flush=True)
            note = None
            if server is not None and not server.alive():
                note = liveness("after case %d" % i)
            elif args.check_every and (i + 1) % args.check_every == 0:
                note = liveness("check after case %d" % i)
            if note:
                with stats.lock:
                    if not stop.is_set():      # one crash is one finding, whichever worker saw it first
                        crash_notes.append(note)
                stop.set()
                return

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    next_progress = started + 60
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.5)
                now = time.monotonic()
                if now > end_at + idle + 15:
                    stop.set()
                if now >= next_progress:
                    next_progress += 60
                    with stats.lock:
                        print("[%3.0f s] %d cases, %d failing" % (now - started, stats.cases, stats.failed), flush=True)
    except KeyboardInterrupt:
        stop.set()
        print("wire-fuzz: interrupted")
    elapsed = time.monotonic() - started

    if not crash_notes:
        note = liveness("final check")
        if note:
            crash_notes.append(note)
    if server is not None:
        server.stop()
        tail = server.stderr_tail()
        if any(s in tail for s in ("Fatal error", "Backtrace", "AddressSanitizer", "Segmentation fault")):
            crash_notes.append("server stderr shows a crash")
    if crash_notes:
        stats.cats["crash"] += len(crash_notes)
        for n in crash_notes:
            print("CRASH:", n)
        os.makedirs(args.findings, exist_ok=True)
        for j, (ci, case) in enumerate(list(recent)):
            with open(os.path.join(args.findings, "%s-crash-suspect-%06d.json" % (run_id, ci)), "w") as f:
                json.dump(case_to_json(case), f)
        if server is not None:
            print("server stderr (tail):\n" + server.stderr_tail(1500))

    total_classes = ", ".join("%s %d" % (k, stats.classes[k]) for k in sorted(stats.classes)) or "none"
    print()
    print("wire-fuzz summary (seed %d, %.0f s, %d cases)" % (seed, elapsed, stats.cases))
    print("  answers by status class:  %s" % total_classes)
    print("  closed without an answer: %d" % stats.no_answer)
    print("  vanished (client close/RST, not read): %d" % stats.vanished)
    print("  unparseable answers:      %d" % stats.cats["unparseable"])
    print("  hangs:                    %d%s" % (stats.cats["hang"], ("  (" + ", ".join(
        "%s: %d" % kv for kv in sorted(stats.hang_kinds.items(), key=lambda kv: -kv[1])) + ")") if stats.hang_kinds else ""))
    print("  cut bodies:               %d" % stats.cats["cut"])
    print("  crashes:                  %d" % stats.cats["crash"])
    print("  mhd-doubled (known quirk, not failing): %d" % stats.doubled)
    print("  lenient (RFC says 400, got 1xx-3xx; %s): %d%s" % (
        "failing with --strict" if args.strict else "reported, not failing", stats.cats["lenient"],
        ("  (" + ", ".join("%s: %d" % kv for kv in sorted(stats.lenient_tags.items())) + ")") if stats.lenient_tags else ""))
    if stats.files:
        print("  findings written to %s" % os.path.relpath(args.findings))
    failed = stats.failed + len(crash_notes)
    print("wire-fuzz: %d passed, %d failed" % (stats.passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
