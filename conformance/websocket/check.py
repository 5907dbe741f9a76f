#!/usr/bin/env python3
"""/websocket/echo judged from outside, by clients we did not write and by RFC 6455 itself.

Starts the release binary on 127.0.0.1, port 0, and runs:
  websockets  the `websockets` library's sync client: text, binary, 1 MiB messages, a fragmented
              send, ping, the echo cut by max_fragment_size, max_message_size, the close handshake
  wsproto     the `wsproto` state machine (strict: it refuses a bad 101 or a frame out of place):
              handshake, echo, ping, close handshake, then the server's TCP close
  raw         a battery in the spirit of Autobahn TestSuite sections 1-7 over raw sockets: framing
              (7, 16 and 64-bit lengths), pings (125 and 126 bytes), reserved bits and opcodes,
              fragmentation (with control frames between fragments), UTF-8 (valid, invalid,
              invalid across fragments, failing fast inside a frame), close codes and payloads,
              and the limits. Each case must end as RFC 6455 says: the echo then a clean close
              handshake, or a close frame with the right code followed by the server's FIN and
              nothing else. After every case a plain GET /get must still answer 200.
  shutdown    SIGTERM with open WebSockets: each gets a 1001 close frame and the TCP close, and
              the process exits within 1 s with status 0 and no abort.
Prints one line per failure and a summary; exits 1 when anything failed.

Usage: conformance/websocket/venv/bin/python conformance/websocket/check.py --bin .build/release/httpbun [-v]
(`make websocket-tests` makes the venv with websockets and wsproto first.)
"""
import urllib.parse
import argparse
import base64
import hashlib
import os
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hardening"))
import harness  # noqa: E402

from websockets.exceptions import ConnectionClosed  # noqa: E402
from websockets.sync.client import connect  # noqa: E402
from wsproto import ConnectionType, WSConnection  # noqa: E402
from wsproto.connection import ConnectionState  # noqa: E402
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Message, Ping, Pong,  # noqa: E402
                            Request, TextMessage)

MiB = 1024 * 1024
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = 5.0

TEXT, BINARY, CLOSE, PING, PONG, CONT = 0x1, 0x2, 0x8, 0x9, 0xA, 0x0


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- Frames ----------------------------------------------------------------------------------

def frame(opcode, payload=b"", fin=True, rsv=0, masked=True, mask=b"\x12\x34\x56\x78"):
    """A client frame: masked unless a case says otherwise; `rsv` is the three reserved bits."""
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    bit = 0x80 if masked else 0
    n = len(payload)
    if n <= 125:
        head += bytes([bit | n])
    elif n <= 0xFFFF:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not masked:
        return head + payload
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def close_frame(code=None, reason=b""):
    return frame(CLOSE, b"" if code is None else struct.pack("!H", code) + reason)


class Peer:
    """One upgraded raw connection: reads the server's frames and how the stream ends."""

    def __init__(self, port, query=""):
        self.sock = harness.connect(port, timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /websocket/echo{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            check(chunk, f"closed before the 101 ({data!r})")
            data += chunk
        head, self.buffer = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        check(lines[0].startswith("HTTP/1.1 101 "), f"handshake answered {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        check(headers.get("sec-websocket-accept") == [accept], f"Sec-WebSocket-Accept {headers.get('sec-websocket-accept')}")
        check(headers.get("upgrade") == ["websocket"], f"Upgrade {headers.get('upgrade')}")
        check([v.lower() for v in headers.get("connection", [])] == ["upgrade"], f"Connection {headers.get('connection')}")
        self.ended = None   # "fin" or "reset", once the server's stream has ended

    def send(self, data, pieces=None):
        if pieces is None:
            self.sock.sendall(data)
            return
        for at in range(0, len(data), pieces):
            self.sock.sendall(data[at:at + pieces])

    def _fill(self, deadline):
        if self.ended:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Failure("timed out waiting for the server")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise Failure("timed out waiting for the server") from None
        except ConnectionResetError:
            self.ended = "reset"
            return False
        if not chunk:
            self.ended = "fin"
            return False
        self.buffer += chunk
        return True

    def _take(self, n, deadline):
        while len(self.buffer) < n:
            if not self._fill(deadline):
                raise Failure(f"stream ended ({self.ended}) inside a frame")
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self, timeout=TIMEOUT):
        """The next frame: (fin, opcode, payload)."""
        deadline = time.monotonic() + timeout
        b0, b1 = self._take(2, deadline)
        check(b0 & 0x70 == 0, f"server frame with reserved bits {b0:#x}")
        check(b1 & 0x80 == 0, "server frame masked")
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2, deadline))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8, deadline))[0]
        return bool(b0 & 0x80), b0 & 0x0F, self._take(n, deadline)

    def message(self, timeout=TIMEOUT):
        """The next data message, control frames before it collected: (opcode, payload, controls, frames)."""
        controls, frames, opcode, data = [], 0, None, b""
        while True:
            fin, op, payload = self.receive(timeout)
            if op >= 8:
                controls.append((op, payload))
                check(op != CLOSE, f"closed ({close_code(payload)}) where a message was due")
                continue
            frames += 1
            if opcode is None:
                check(op in (TEXT, BINARY), f"message starts with opcode {op}")
                opcode = op
            else:
                check(op == CONT, f"opcode {op} inside a message")
            data += payload
            if fin:
                return opcode, data, controls, frames

    def expect_close(self, code, timeout=TIMEOUT):
        """The server's close frame with `code`, then its FIN with nothing after it."""
        fin, op, payload = self.receive(timeout)
        check(op == CLOSE, f"expected a close frame ({code}), got opcode {op} with {payload[:40]!r}")
        check(fin, "close frame without FIN")
        got = close_code(payload)
        check(got == code, f"close code {got}, expected {code} (reason {payload[2:]!r})")
        try:
            payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            raise Failure("close reason is not UTF-8") from None
        deadline = time.monotonic() + 3
        while self._fill(deadline):
            pass
        check(not self.buffer, f"bytes after the close frame: {self.buffer[:40]!r}")
        check(self.ended == "fin", f"stream ended by {self.ended}, not a FIN, after the close frame")

    def finish(self):
        """The close handshake from our side: 1000 back, then the server's FIN."""
        self.send(close_frame(1000))
        self.expect_close(1000)

    def close(self):
        self.sock.close()


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None


def get_works(port):
    s = harness.connect(port, timeout=TIMEOUT)
    try:
        s.sendall(b"GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        status, _, _ = harness.read_answer(s, deadline=time.monotonic() + TIMEOUT)
        check(status == 200, f"GET /get answered {status} after the case")
    finally:
        s.close()


# ---- The raw battery -------------------------------------------------------------------------

def echo_case(payload, opcode=TEXT, pieces=None, query=""):
    def run(port):
        p = Peer(port, query)
        p.send(frame(opcode, payload), pieces)
        op, data, controls, _ = p.message()
        check((op, data) == (opcode, payload), f"echo {op} of {len(data)} bytes, sent {opcode} of {len(payload)}")
        check(not controls, f"unexpected control frames {controls}")
        p.finish()
    return run


def fails(code, *frames_, before=(), pieces=None, query="", stop_after=None):
    """Sends the frames; expects `before` (messages echoed, as (opcode, payload), or ('pong', payload))
    first, then a close frame with `code` and the FIN. `stop_after` sends only that many bytes: the
    server must fail fast, before the rest of the frame."""
    def run(port):
        p = Peer(port, query)
        data = b"".join(frames_)
        if stop_after is not None:
            data = data[:stop_after]
        p.send(data, pieces)
        for expected in before:
            if expected[0] == "pong":
                _, op, payload = p.receive()
                check((op, payload) == (PONG, expected[1]), f"expected a pong, got {op} {payload[:20]!r}")
            else:
                op, payload, _, _ = p.message()
                check((op, payload) == expected, f"expected echo {expected[0]} {expected[1][:20]!r}, got {op} {payload[:20]!r}")
        p.expect_close(code)
    return run


def exchange(steps, query=""):
    """Sends each step's bytes and checks its answer: ('msg', opcode, payload), ('pong', payload),
    ('none',) for nothing within 0.3 s; then the close handshake."""
    def run(port):
        p = Peer(port, query)
        for send, *answer in steps:
            p.send(send)
            kind = answer[0] if answer else "none"
            if kind == "msg":
                op, data, controls, frames = p.message()
                check((op, data) == (answer[1], answer[2]), f"echo {op} {data[:30]!r}, expected {answer[1]} {answer[2][:30]!r}")
                check(not controls, f"unexpected control frames {controls}")
                if len(answer) > 3:
                    check(frames == answer[3], f"echo in {frames} frames, expected {answer[3]}")
            elif kind == "pong":
                _, op, payload = p.receive()
                check((op, payload) == (PONG, answer[1]), f"expected pong {answer[1][:20]!r}, got {op} {payload[:20]!r}")
            else:
                p.sock.settimeout(0.3)
                try:
                    extra = p.sock.recv(100)
                    check(False, f"expected nothing, got {extra!r}")
                except socket.timeout:
                    pass
        p.finish()
    return run


def battery():
    cases = {}
    # 1: framing, every length encoding, text and binary, whole and in small pieces
    for n in (0, 1, 125, 126, 127, 128, 1000, 65535, 65536, 200_000):
        cases[f"1.1 text {n} bytes"] = echo_case(b"*" * n)
        cases[f"1.2 binary {n} bytes"] = echo_case(bytes(i % 256 for i in range(n)), BINARY)
    cases["1.1 text 300 bytes, one byte at a time"] = echo_case(b"x" * 300, pieces=1)
    cases["1.2 binary 70000 bytes in 997-byte pieces"] = echo_case(os.urandom(70000), BINARY, pieces=997)
    # 2: pings and pongs
    cases["2.1 ping, no payload"] = exchange([(frame(PING), "pong", b"")])
    cases["2.2 ping, text payload"] = exchange([(frame(PING, b"Hello, world!"), "pong", b"Hello, world!")])
    cases["2.3 ping, binary payload"] = exchange([(frame(PING, b"\x00\xff\xfe\xfd\xfc\xfb\x00\xff"), "pong", b"\x00\xff\xfe\xfd\xfc\xfb\x00\xff")])
    cases["2.4 ping, 125-byte payload"] = exchange([(frame(PING, b"\xfe" * 125), "pong", b"\xfe" * 125)])
    cases["2.5 ping, 126-byte payload"] = fails(1002, frame(PING, b"\xfe" * 126))
    cases["2.6 ping, 125 bytes one byte at a time"] = fails(1000, frame(PING, b"\x01" * 125), close_frame(1000),
                                                            before=[("pong", b"\x01" * 125)], pieces=1)
    cases["2.7 unsolicited pong, then a message"] = exchange([(frame(PONG, b"unsolicited"),), (frame(TEXT, b"after"), "msg", TEXT, b"after")])
    cases["2.8 unsolicited pong with payload"] = exchange([(frame(PONG, b"\x00" * 125),)])
    cases["2.9 ten pings"] = fails(1000, *[frame(PING, b"p%d" % i) for i in range(10)], close_frame(1000),
                                   before=[("pong", b"p%d" % i) for i in range(10)])
    # 3: reserved bits
    for bits in range(1, 8):
        cases[f"3.{bits} RSV={bits} on text"] = fails(1002, frame(TEXT, b"Hello", rsv=bits))
    cases["3.8 RSV on a text after a valid echo"] = fails(1002, frame(TEXT, b"ok"), frame(TEXT, b"bad", rsv=2), before=[(TEXT, b"ok")])
    cases["3.9 RSV on a ping"] = fails(1002, frame(PING, b"p", rsv=4))
    cases["3.10 RSV on a close"] = fails(1002, frame(CLOSE, struct.pack("!H", 1000), rsv=1))
    cases["3.11 RSV on a binary"] = fails(1002, frame(BINARY, b"\x00\xff", rsv=7))
    # 4: reserved opcodes
    for opcode in (3, 4, 5, 6, 7):
        cases[f"4.1 reserved data opcode {opcode}"] = fails(1002, frame(opcode))
        cases[f"4.1 reserved data opcode {opcode} with payload after an echo"] = fails(
            1002, frame(TEXT, b"ok"), frame(opcode, b"payload"), before=[(TEXT, b"ok")])
    for opcode in (11, 12, 13, 14, 15):
        cases[f"4.2 reserved control opcode {opcode}"] = fails(1002, frame(opcode))
        cases[f"4.2 reserved control opcode {opcode} with payload"] = fails(1002, frame(opcode, b"payload"))
    # 5: fragmentation
    cases["5.1 fragmented ping"] = fails(1002, frame(PING, b"frag", fin=False), frame(CONT, b"ment"))
    cases["5.2 fragmented pong"] = fails(1002, frame(PONG, b"frag", fin=False), frame(CONT, b"ment"))
    cases["5.3 text in two fragments"] = exchange([(frame(TEXT, b"frag", fin=False) + frame(CONT, b"ment"), "msg", TEXT, b"fragment")])
    cases["5.4 text in two fragments, ping between"] = fails(
        1000, frame(TEXT, b"frag", fin=False), frame(PING, b"between"), frame(CONT, b"ment"), close_frame(1000),
        before=[("pong", b"between"), (TEXT, b"fragment")])
    cases["5.5 text in fragments with pings between, one byte at a time"] = fails(
        1000, frame(TEXT, b"frag", fin=False), frame(PING, b"1"), frame(CONT, b"me", fin=False), frame(PING, b"2"),
        frame(CONT, b"nt"), close_frame(1000), before=[("pong", b"1"), ("pong", b"2"), (TEXT, b"fragment")], pieces=1)
    cases["5.6 pong between fragments"] = exchange([(frame(TEXT, b"a", fin=False) + frame(PONG, b"x") + frame(CONT, b"b"), "msg", TEXT, b"ab")])
    cases["5.7 continuation without a message"] = fails(1002, frame(CONT, b"fragment", fin=False))
    cases["5.8 final continuation without a message"] = fails(1002, frame(CONT, b"fragment"))
    cases["5.9 continuation after a complete message"] = fails(1002, frame(TEXT, b"whole"), frame(CONT, b"more"), before=[(TEXT, b"whole")])
    cases["5.10 text inside a fragmented text"] = fails(1002, frame(TEXT, b"a", fin=False), frame(TEXT, b"b"))
    cases["5.11 binary inside a fragmented text"] = fails(1002, frame(TEXT, b"a", fin=False), frame(BINARY, b"b"))
    cases["5.12 a hundred one-byte fragments"] = exchange([(frame(TEXT, b"a", fin=False) + b"".join(frame(CONT, b"b", fin=False) for _ in range(98))
                                                            + frame(CONT, b"c"), "msg", TEXT, b"a" + b"b" * 98 + b"c")])
    cases["5.13 empty fragments"] = exchange([(frame(BINARY, b"", fin=False) + frame(CONT, b"", fin=False) + frame(CONT, b""), "msg", BINARY, b"")])
    cases["5.14 fragmented binary, 3 x 64 KiB"] = exchange([(frame(BINARY, b"\x01" * 65536, fin=False) + frame(CONT, b"\x02" * 65536, fin=False)
                                                             + frame(CONT, b"\x03" * 65536), "msg", BINARY, b"\x01" * 65536 + b"\x02" * 65536 + b"\x03" * 65536)])
    # 6: UTF-8
    kosme = "κόσμε".encode()
    cases["6.1 valid UTF-8"] = echo_case(kosme)
    cases["6.2 valid UTF-8, 4-byte characters"] = echo_case("😀 \U0010FFFF".encode())
    for cut in range(1, len(kosme)):
        cases[f"6.3 valid UTF-8 split at byte {cut}"] = exchange([(frame(TEXT, kosme[:cut], fin=False) + frame(CONT, kosme[cut:]), "msg", TEXT, kosme)])
    invalid = {
        "0xFF": b"\xff", "overlong NUL": b"\xc0\x80", "overlong slash": b"\xe0\x80\xaf", "surrogate": b"\xed\xa0\x80",
        "past U+10FFFF": b"\xf4\x90\x80\x80", "lone continuation": b"\x80", "truncated": b"\xce",
        "0xFE": b"\xfe", "5-byte form": b"\xf8\x88\x80\x80\x80",
    }
    for name, bad in invalid.items():
        cases[f"6.4 invalid UTF-8: {name}"] = fails(1007, frame(TEXT, kosme + bad))
        cases[f"6.5 invalid UTF-8 in the last fragment: {name}"] = fails(1007, frame(TEXT, kosme, fin=False), frame(CONT, bad))
    cases["6.6 invalid across the fragment boundary"] = fails(1007, frame(TEXT, kosme + b"\xe2", fin=False), frame(CONT, b"\x41\x82"))
    cases["6.7 sequence cut by the end of the message"] = fails(1007, frame(TEXT, b"ok\xe2\x82", fin=False), frame(CONT, b""))
    cases["6.8 fail fast: invalid byte inside a frame, rest never sent"] = fails(
        1007, frame(TEXT, b"abc\xff" + b"x" * 996), stop_after=6 + 2 + 4 + 4)
    cases["6.9 fail fast: invalid in the first fragment, no more fragments sent"] = fails(1007, frame(TEXT, b"\xed\xa0\x80ok", fin=False))
    cases["6.10 binary is not UTF-8 checked"] = echo_case(b"\xff\xfe\xc0\x80", BINARY)
    # 7: close
    for code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999):
        cases[f"7.1 close {code} is echoed"] = fails(code, close_frame(code, b"reason"))
    for code in (0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535):
        cases[f"7.2 invalid close code {code}"] = fails(1002, close_frame(code))
    cases["7.3 close without payload"] = fails(1000, close_frame())
    cases["7.4 close with a 1-byte payload"] = fails(1002, frame(CLOSE, b"\x03"))
    cases["7.5 close with a 123-byte reason"] = fails(1000, close_frame(1000, b"r" * 123))
    cases["7.6 close with a 124-byte reason (126-byte payload)"] = fails(1002, close_frame(1000, b"r" * 124))
    cases["7.7 close with an invalid UTF-8 reason"] = fails(1007, close_frame(1000, b"\xce\xba\xe1\xbd"))
    cases["7.8 close with a valid UTF-8 reason"] = fails(1000, close_frame(1000, kosme))
    cases["7.9 frames after close are ignored"] = fails(1000, close_frame(1000), frame(TEXT, b"ignored"), frame(PING, b"ignored"))
    cases["7.10 close in the middle of a fragmented message"] = fails(1001, frame(TEXT, b"half", fin=False), close_frame(1001))
    cases["7.11 unmasked client frame"] = fails(1002, frame(TEXT, b"Hello", masked=False))
    cases["7.12 unmasked close"] = fails(1002, frame(CLOSE, struct.pack("!H", 1000), masked=False))
    cases["7.13 64-bit length with its top bit set"] = fails(1002, b"\x82\xff\x80" + b"\x00" * 7 + b"\x01\x02\x03\x04")
    # Limits: max_fragment_size and max_message_size
    limits = "?max_fragment_size=16&max_message_size=32"
    cases["8.1 a frame of max_fragment_size is echoed"] = exchange([(frame(BINARY, b"f" * 16), "msg", BINARY, b"f" * 16, 1)], limits)
    cases["8.2 a frame over max_fragment_size: 1009"] = fails(1009, frame(BINARY, b"f" * 17), query=limits)
    cases["8.3 a message of max_message_size, echoed in max_fragment_size frames"] = exchange(
        [(frame(TEXT, b"a" * 16, fin=False) + frame(CONT, b"b" * 16), "msg", TEXT, b"a" * 16 + b"b" * 16, 2)], limits)
    cases["8.4 a message over max_message_size: 1009"] = fails(
        1009, frame(TEXT, b"a" * 16, fin=False), frame(CONT, b"b" * 16, fin=False), frame(CONT, b"c"), query=limits)
    cases["8.5 over the limit by the announced length, payload never sent"] = fails(
        1009, frame(BINARY, b"x" * 100_000), query=limits, stop_after=14)
    return cases


def run_battery(port, verbose, only):
    failures = []
    cases = battery()
    for name, case in cases.items():
        if only and only not in name:
            continue
        try:
            case(port)
            get_works(port)
            if verbose:
                print(f"ok    raw {name}")
        except (Failure, OSError, ConnectionError, ValueError) as e:
            failures.append(f"raw {name}: {e}")
            print(f"FAIL  raw {name}: {e}")
    return len([n for n in cases if not only or only in n]), failures


# ---- Libraries -------------------------------------------------------------------------------

def library_checks(base):
    """The `websockets` client and the `wsproto` state machine; yields (name, check)."""
    url = base.replace("http://", "ws://") + "/websocket/echo"

    def websockets_echo():
        with connect(url, proxy=None, max_size=4 * MiB, open_timeout=TIMEOUT, close_timeout=TIMEOUT, ping_interval=None) as ws:
            ws.send("hello, websockets")
            check(ws.recv(timeout=TIMEOUT) == "hello, websockets", "text echo")
            ws.send(b"\x00\x01\xfe\xff")
            check(ws.recv(timeout=TIMEOUT) == b"\x00\x01\xfe\xff", "binary echo")
            big = os.urandom(MiB)
            ws.send(big)
            check(ws.recv(timeout=TIMEOUT) == big, "1 MiB binary echo")
            text = "é" * (MiB // 2)
            ws.send(text)
            check(ws.recv(timeout=TIMEOUT) == text, "1 MiB text echo")
            ws.send(["Hello, ", "fragmented ", "world"])
            check(ws.recv(timeout=TIMEOUT) == "Hello, fragmented world", "fragmented send echoed whole")
            pong = ws.ping(b"payload")
            check(pong.wait(TIMEOUT), "pong for a ping")
            ws.close(code=1000, reason="done")
        check(ws.close_code == 1000, f"close code {ws.close_code}")

    def websockets_fragments():
        with connect(url + "?max_fragment_size=1024", proxy=None, open_timeout=TIMEOUT, ping_interval=None) as ws:
            message = "x" * 5000
            ws.send(["x" * 1000] * 5)   # frames the server takes: none over 1024 bytes
            fragments = list(ws.recv_streaming())
            check("".join(fragments) == message, "echo of 5000 bytes")
            check(len(fragments) == 5, f"echo in {len(fragments)} frames, expected 5 of at most 1024 bytes")

    def websockets_limit():
        with connect(url + "?max_message_size=1000&max_fragment_size=1000", proxy=None, open_timeout=TIMEOUT, ping_interval=None) as ws:
            ws.send(b"y" * 2000)
            try:
                ws.recv(timeout=TIMEOUT)
                check(False, "a message over max_message_size was echoed")
            except ConnectionClosed as e:
                check(e.rcvd is not None and e.rcvd.code == 1009, f"closed with {e.rcvd}")

    def wsproto_session():
        sock = harness.connect(urllib.parse.urlsplit(base).port, timeout=TIMEOUT)
        ws = WSConnection(ConnectionType.CLIENT)
        events = []

        def pump():
            while not events:
                data = sock.recv(65536)
                ws.receive_data(data or None)
                events.extend(ws.events())
                if not data:
                    break
            check(events, "no event before the stream ended")
            return events.pop(0)

        sock.sendall(ws.send(Request(host="127.0.0.1", target="/websocket/echo")))
        check(isinstance(pump(), AcceptConnection), "handshake accepted")
        sock.sendall(ws.send(Message(data="hello, wsproto")))
        got = pump()
        check(isinstance(got, TextMessage) and got.data == "hello, wsproto" and got.message_finished, f"text echo: {got}")
        sock.sendall(ws.send(Message(data=b"\x00\xff")))
        got = pump()
        check(isinstance(got, BytesMessage) and got.data == b"\x00\xff", f"binary echo: {got}")
        sock.sendall(ws.send(Ping(payload=b"ping")))
        got = pump()
        check(isinstance(got, Pong) and got.payload == b"ping", f"pong: {got}")
        sock.sendall(ws.send(CloseConnection(code=1000, reason="bye")))
        got = pump()
        check(isinstance(got, CloseConnection) and got.code == 1000, f"close answer: {got}")
        check(ws.state == ConnectionState.CLOSED, f"state {ws.state}")
        sock.settimeout(3)
        check(sock.recv(100) == b"", "the server closes TCP after the close handshake")
        sock.close()

    yield "websockets: text, binary, 1 MiB, fragmented send, ping, close", websockets_echo
    yield "websockets: the echo cut by max_fragment_size", websockets_fragments
    yield "websockets: max_message_size closes with 1009", websockets_limit
    yield "wsproto: handshake, echo, ping, close handshake, TCP close", wsproto_session


# ---- Shutdown --------------------------------------------------------------------------------

def shutdown_check(binary):
    """SIGTERM with five raw WebSockets and one `websockets` client open."""
    proc, port = harness.start([binary, "--port", "0", "--log-level", "warning"])
    peers = []
    try:
        for _ in range(5):
            p = Peer(port)
            p.send(frame(TEXT, b"before"))
            check(p.message()[1] == b"before", "echo before SIGTERM")
            peers.append(p)
        with connect(f"ws://127.0.0.1:{port}/websocket/echo", proxy=None, open_timeout=TIMEOUT, ping_interval=None) as ws:
            ws.send("before")
            check(ws.recv(timeout=TIMEOUT) == "before", "websockets echo before SIGTERM")
            start = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(10)
            elapsed = time.monotonic() - start
            err = harness.stderr_of(proc)
            check(status == 0, f"exit status {status}; stderr {err[-500:]!r}")
            check(elapsed < 1.0, f"exited {elapsed * 1000:.0f} ms after SIGTERM")
            check(not any(w in err for w in ("Fatal error", "Backtrace", "abort", "Program crashed", "not closed")),
                  f"stderr: {err[-500:]!r}")
            for p in peers:
                p.expect_close(1001)
            try:
                ws.recv(timeout=TIMEOUT)
                check(False, "websockets client got a message after SIGTERM")
            except ConnectionClosed as e:
                check(e.rcvd is not None and e.rcvd.code == 1001, f"websockets client closed with {e.rcvd}")
        return f"exited {elapsed * 1000:.0f} ms after SIGTERM, status 0; 6 WebSockets closed with 1001"
    finally:
        for p in peers:
            p.close()
        harness.stop(proc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=".build/release/httpbun")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("-k", dest="only", help="run only the raw cases whose name contains this")
    args = parser.parse_args()
    started = time.monotonic()
    proc, port = harness.start([args.bin, "--port", "0", "--log-level", "warning"])
    base = f"http://127.0.0.1:{port}"
    failures = []
    checks, checks_failed = 0, 0
    try:
        total, raw_failures = run_battery(port, args.verbose, args.only)
        failures += raw_failures
        if not args.only:
            for name, run in library_checks(base):
                checks += 1
                try:
                    run()
                    print(f"ok    {name}")
                except Exception as e:  # a library's own exceptions are failures too
                    checks_failed += 1
                    failures.append(f"{name}: {e!r}")
                    print(f"FAIL  {name}: {e!r}")
    finally:
        status = harness.stop(proc)
    if status not in (0, None):
        failures.append(f"the server exited with status {status}")
        print(f"FAIL  the server exited with status {status}")
    if not args.only:
        checks += 1
        try:
            print(f"ok    shutdown: {shutdown_check(args.bin)}")
        except Exception as e:
            checks_failed += 1
            failures.append(f"shutdown: {e!r}")
            print(f"FAIL  shutdown: {e!r}")
    print(f"raw cases: {total - len(raw_failures)}/{total} passed (GET /get answered after each); "
          f"library and shutdown checks: {checks - checks_failed}/{checks} passed; {time.monotonic() - started:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
