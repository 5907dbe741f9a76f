#!/usr/bin/env python3
"""Differential conformance test: python httpbin 0.10.4 against `httpbun --flavor httpbin`.

Starts both servers on 127.0.0.1 (free ports), sends every request of corpus.py to each, and
compares status, the headers clients look at, and the body after removing what is volatile
(ports, dates, uuids, random bytes, digest nonces). Prints a diff per disagreeing request, then
`agree: N / total: M`.

    bench/venv/bin/python conformance/compare.py [--httpbun .build/debug/httpbun] [--only NAME-SUBSTRING] [-v]

Exit status: 0 when every request agrees or the disagreement is listed in corpus.DELIBERATE, 1 otherwise.
"""

import urllib.parse
import argparse
import base64
import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

# Response headers a client's test can look at. Everything else (Date, Server, Connection,
# Content-Length of streamed bodies, Transfer-Encoding) is transport detail.
COMPARED_HEADERS = [
    "content-type",
    "location",
    "set-cookie",
    "www-authenticate",
    "proxy-authenticate",
    "etag",
    "content-range",
    "accept-ranges",
    "content-encoding",
    "cache-control",
    "last-modified",
    "x-more-info",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "x-custom",
    "x-a",
]
# Headers whose value is volatile: only their presence is compared.
PRESENCE_ONLY = {"last-modified"}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX32 = re.compile(r"^\"?[0-9a-f]{32}\"?$")
DIGEST_VOLATILE = re.compile(r'(nonce|opaque)="[^"]*"')
LAST_NONCE = re.compile(r"last_nonce=[^;]*")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start within {timeout}s")


def start_httpbin(venv_bin):
    port = free_port()
    proc = subprocess.Popen(
        [os.path.join(venv_bin, "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "4", "--log-level", "warning",
         "httpbin:app"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(port)
    return proc, port


def start_httpbun(binary):
    proc = subprocess.Popen([binary, "--flavor", "httpbin", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        raise SystemExit(f"httpbun did not print its URL (got {url!r})")
    port = urllib.parse.urlsplit(url).port
    wait_for(port)
    return proc, port


# ---------------------------------------------------------------- requests

def encode_body(spec):
    """(headers to add, body bytes, chunked?) for a corpus entry's body."""
    body = spec.get("body")
    if body is None:
        return [], None, False
    if "text" in body:
        return [], body["text"].encode("utf-8"), False
    if "bytes" in body:
        return [], base64.b64decode(body["bytes"]), False
    if "chunked" in body:
        return [], body["chunked"].encode("utf-8"), True
    if "form" in body:
        from urllib.parse import urlencode
        return [("Content-Type", "application/x-www-form-urlencoded")], urlencode([tuple(p) for p in body["form"]]).encode(), False
    if "json" in body:
        return [("Content-Type", "application/json")], json.dumps(body["json"]).encode(), False
    if "multipart" in body:
        boundary = "conformanceboundary7MA4YWxkTrZu0gW"
        out = b""
        for part in body["multipart"]:
            out += b"--" + boundary.encode() + b"\r\n"
            disposition = f'form-data; name="{part["name"]}"'
            if "filename" in part:
                disposition += f'; filename="{part["filename"]}"'
            out += f"Content-Disposition: {disposition}\r\n".encode()
            if "content_type" in part:
                out += f"Content-Type: {part['content_type']}\r\n".encode()
            content = part["content"]
            out += b"\r\n" + (base64.b64decode(content["bytes"]) if isinstance(content, dict) else content.encode()) + b"\r\n"
        out += b"--" + boundary.encode() + b"--\r\n"
        return [("Content-Type", f"multipart/form-data; boundary={boundary}")], out, False
    raise ValueError(f"unknown body {body!r}")


class RawConnection(http.client.HTTPConnection):
    """Sends the request line as given: non-ASCII paths go out as raw UTF-8 bytes."""

    def _encode_request(self, request):
        return request.encode("latin-1")


def digest_authorization(spec, challenge, method):
    """The Authorization a client (requests' HTTPDigestAuth) sends in answer to `challenge`."""
    import hashlib
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge.split(" ", 1)[1]))
    algorithm = params.get("algorithm", "MD5")
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512}[algorithm]
    H = lambda text: h(text.encode()).hexdigest()
    user, passwd = spec["digest"]
    uri = spec["path"]
    ha1 = H(f"{user}:{params['realm']}:{passwd}")
    ha2 = H(f"{method}:{uri}")
    nc, cnonce = "00000001", "0a4f113b"
    response = H(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
    return (f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{uri}", '
            f'response="{response}", opaque="{params.get("opaque", "")}", algorithm={algorithm}, qop=auth, '
            f'nc={nc}, cnonce="{cnonce}"')


def send(port, spec):
    if "digest" in spec:
        # Two rounds, as a client does: take the challenge, answer it.
        status, headers, raw = send(port, {k: v for k, v in spec.items() if k != "digest"})
        challenge = dict(headers).get("www-authenticate", "")
        if status != 401 or not challenge.startswith("Digest "):
            return status, headers, raw
        answered = dict(spec, headers=spec.get("headers", []) + [["Authorization", digest_authorization(spec, challenge, spec.get("method", "GET"))]])
        del answered["digest"]
        return send(port, answered)

    method = spec.get("method", "GET")
    extra, body, chunked = encode_body(spec)
    conn = RawConnection("127.0.0.1", port, timeout=20)
    names = {name.lower() for name, _ in spec.get("headers", [])}
    conn.putrequest(method, spec["path"].encode("utf-8").decode("latin-1"), skip_accept_encoding=True,
                    skip_host="host" in names)
    headers = [("User-Agent", "conformance/1"), ("Accept", "*/*")]
    headers = [h for h in headers if h[0].lower() not in names] + extra + [tuple(h) for h in spec.get("headers", [])]
    for name, value in headers:
        conn.putheader(name, value.encode("utf-8"))
    if body is not None and chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    elif body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    if body is not None:
        if chunked:
            for i in range(0, len(body), 7):
                piece = body[i:i + 7]
                conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
        else:
            conn.send(body)
    resp = conn.getresponse()
    raw = resp.read()
    headers = [(k.lower(), v) for k, v in resp.getheaders()]
    conn.close()
    return resp.status, headers, raw


# ---------------------------------------------------------------- normalising

def norm_string(s, port):
    s = s.replace(f"127.0.0.1:{port}", "127.0.0.1:PORT").replace(f"localhost:{port}", "localhost:PORT")
    return UUID.sub("<uuid>", s)


def norm_json(value, port):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in ("uuid", "timestamp") else norm_json(v, port)) for k, v in value.items()}
    if isinstance(value, list):
        return [norm_json(v, port) for v in value]
    if isinstance(value, str):
        return norm_string(value, port)
    return value


def decode_content(headers, raw):
    encoding = dict(headers).get("content-encoding", "")
    try:
        if encoding == "gzip":
            return gzip.decompress(raw)
        if encoding == "deflate":
            return zlib.decompress(raw)
        if encoding == "br":
            import brotlicffi
            return brotlicffi.decompress(raw)
    except Exception as error:  # a body that does not decode is itself a difference
        return b"<undecodable " + encoding.encode() + b": " + str(error).encode() + b">"
    return raw


def json_layout(text):
    """How a JSON body is laid out, in words: httpbin pretty-prints with sorted keys and \\u escapes."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if text == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True) + "\n":
        return "pretty, sorted, ascii"
    if text == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True):
        return "pretty, sorted, ascii, no final newline"
    if text == json.dumps(value):
        return "python compact"
    return "other"


def normalise(spec, status, headers, raw, port):
    mode = spec.get("compare", "auto")
    out = {"status": status}
    hv = {}
    for name, value in headers:
        if name in COMPARED_HEADERS and name not in spec.get("ignore_headers", []):
            if name in PRESENCE_ONLY or (name == "etag" and HEX32.match(value)):
                value = "<present>"
            value = DIGEST_VOLATILE.sub(r'\1="<volatile>"', norm_string(value, port))
            value = LAST_NONCE.sub("last_nonce=<volatile>", value)
            hv.setdefault(name, []).append(value)
    out["headers"] = hv
    # How the body is framed: a client that reads Content-Length (a progress bar, a size check)
    # sees the difference. HEAD answers and bodiless statuses have none to compare.
    names = {name for name, _ in headers}
    if spec.get("method") != "HEAD" and status not in (204, 304):
        chunked = any(name == "transfer-encoding" and "chunked" in value.lower() for name, value in headers)
        out["framing"] = "chunked" if chunked else "content-length" if "content-length" in names else "until close"
    if spec.get("method") == "HEAD":
        out["body"] = raw.decode("latin-1")
        return out
    body = decode_content(headers, raw)
    ctype = dict(headers).get("content-type", "")
    if mode == "magic" or (mode == "auto" and ctype.startswith("image/")):
        # Images: the same kind of file (its first bytes), not the same picture.
        out["body"] = f"<image starting {body[:4]!r}>"
        return out
    if mode == "bytes":
        # Seeded random bytes: python's random.seed(n) sequence, byte for byte.
        out["body"] = body.hex()
        return out
    if mode == "length" or (mode == "auto" and ctype.startswith("application/octet-stream")):
        out["body"] = f"<{len(body)} bytes>"
        return out
    if mode == "ignore":
        return out
    text = body.decode("utf-8", errors="replace")
    try:
        out["body"] = norm_json(json.loads(text), port)
        out["layout"] = json_layout(text)
        return out
    except ValueError:
        pass
    lines = text.splitlines()
    if lines:
        try:
            out["body"] = [norm_json(json.loads(line), port) for line in lines]
            return out
        except ValueError:
            pass
    out["body"] = norm_string(text, port)
    return out


def diff(a, b, path=""):
    """Lines describing where a (httpbin) and b (httpbun) differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        lines = []
        for k in list(a) + [k for k in b if k not in a]:
            if k not in b:
                lines.append(f"  {path}/{k}: httpbin {json.dumps(a[k], ensure_ascii=False)[:300]}, httpbun has none")
            elif k not in a:
                lines.append(f"  {path}/{k}: httpbun {json.dumps(b[k], ensure_ascii=False)[:300]}, httpbin has none")
            else:
                lines += diff(a[k], b[k], f"{path}/{k}")
        return lines
    if a != b:
        return [f"  {path}: httpbin {json.dumps(a, ensure_ascii=False)[:400]}\n  {' ' * len(path)}  httpbun {json.dumps(b, ensure_ascii=False)[:400]}"]
    return []


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    parser = argparse.ArgumentParser()
    parser.add_argument("--httpbun", default=os.path.join(root, ".build", "debug", "httpbun"))
    parser.add_argument("--venv-bin", default=os.path.dirname(sys.executable))
    parser.add_argument("--only", help="run only entries whose name contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print agreeing requests")
    args = parser.parse_args()

    entries = corpus.CORPUS
    if args.only:
        entries = [e for e in entries if args.only in e["name"]]
    names = [e["name"] for e in corpus.CORPUS]
    assert len(names) == len(set(names)), "corpus names must be unique"

    bin_proc, bin_port = start_httpbin(args.venv_bin)
    bun_proc, bun_port = start_httpbun(args.httpbun)
    agree = 0
    deliberate = []
    unexpected = []
    try:
        for spec in entries:
            results = []
            for port in (bin_port, bun_port):
                try:
                    status, headers, raw = send(port, spec)
                    results.append(normalise(spec, status, headers, raw, port))
                except Exception as error:
                    results.append({"error": f"{type(error).__name__}: {error}"})
            lines = diff(results[0], results[1])
            label = f"{spec.get('method', 'GET')} {spec['path']} [{spec['name']}]"
            if not lines:
                agree += 1
                if args.verbose:
                    print(f"ok    {label}")
                continue
            reason = corpus.DELIBERATE.get(spec["name"])
            if reason:
                deliberate.append(spec["name"])
                print(f"DELIBERATE {label}: {reason}")
            else:
                unexpected.append(spec["name"])
                print(f"DIFF  {label}")
            for line in lines:
                print(line)
    finally:
        for proc in (bin_proc, bun_proc):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    print(f"deliberate differences: {len(deliberate)}; unexplained: {len(unexpected)}")
    print(f"agree: {agree} / total: {len(entries)}")
    return 0 if not unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
