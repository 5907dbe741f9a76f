"""The plumbing the hardening scripts share: starting a server binary and stopping it, connecting
to it on 127.0.0.1, reading its answers off a raw socket. Standard library only.

A server started here gets --port 0 from its caller and prints its URL (http://127.0.0.1:PORT) as
the first line of its stdout. Its stdout and stderr go to temporary files, not pipes: a pipe nobody
reads could fill and block the server (a chatty log, hundreds of connections cut at once). The
files are opened for appending, so reading them here never moves where the server writes.

Import it by path, from a script in this folder run as `python3 hardening/x.py`:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import harness
"""
import urllib.parse
import fcntl
import os
import resource
import socket
import subprocess
import tempfile
import time

HOST = "127.0.0.1"
START_TIMEOUT = 10.0   # seconds a server may take to print its URL


# ---- Server processes ------------------------------------------------------------------------

class StartError(RuntimeError):
    """The server printed no URL: it exited first, printed something else, or took too long.
    `line` is what it printed first ("" for nothing), `status` its exit status (killed when it was
    still running), `stderr` all it wrote there."""

    def __init__(self, argv, line, status, stderr):
        super().__init__(f"{argv[0]} printed no URL: {line!r}; stderr: {stderr[-500:]}")
        self.argv, self.line, self.status, self.stderr = argv, line, status, stderr


def _capture():
    f = tempfile.TemporaryFile()
    flags = fcntl.fcntl(f.fileno(), fcntl.F_GETFL)
    fcntl.fcntl(f.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)
    return f


def _text(f, last=None):
    f.flush()
    size = f.seek(0, os.SEEK_END)
    f.seek(0 if last is None else max(0, size - last))
    return f.read().decode(errors="replace")


def launch(argv, env=None, preexec_fn=None):
    """Starts argv with its stdout and stderr captured (read them with stdout_of and stderr_of);
    `env` adds to this process's environment. Does not wait for anything."""
    out, err = _capture(), _capture()
    proc = subprocess.Popen(argv, stdout=out, stderr=err, preexec_fn=preexec_fn,
                            env=None if env is None else {**os.environ, **env})
    proc.stdout_log, proc.stderr_log = out, err
    return proc


def stdout_of(proc, last=None):
    """What the process wrote to its stdout so far (its `last` bytes only, if given)."""
    return _text(proc.stdout_log, last)


def stderr_of(proc, last=None):
    """What the process wrote to its stderr so far (its `last` bytes only, if given)."""
    return _text(proc.stderr_log, last)


def wait_for_url(proc, timeout=START_TIMEOUT):
    """The first line the process prints on stdout, stripped; None when it exits without one or
    prints none within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        text = stdout_of(proc)
        if "\n" in text:
            return text.split("\n", 1)[0].strip()
        if proc.poll() is not None or time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def start(argv, env=None, preexec_fn=None, timeout=START_TIMEOUT):
    """Launches a server whose argv says --port 0 and waits for its URL: returns (proc, port).
    When it prints no URL, it is killed (if still running) and StartError is raised."""
    proc = launch(argv, env=env, preexec_fn=preexec_fn)
    line = wait_for_url(proc, timeout)
    if line is None or not line.startswith("http"):
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        raise StartError(argv, line or "", proc.returncode, stderr_of(proc))
    return proc, urllib.parse.urlsplit(line.strip()).port


def stop(proc, timeout=5):
    """SIGTERM if it still runs, SIGKILL after `timeout` seconds; returns the exit status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def raise_fd_limit(want):
    """Raises this process's soft RLIMIT_NOFILE to `want` (never lowers it; capped at the hard
    limit). The servers started afterwards inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, want)), hard))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ---- Client sockets --------------------------------------------------------------------------

def connect(port, timeout=None):
    """A TCP connection to 127.0.0.1:port; `timeout` applies to the connect and to every later
    operation (None: blocking)."""
    return socket.create_connection((HOST, port), timeout=timeout)


def _recv(sock, deadline):
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("deadline passed")
        sock.settimeout(remaining)
    return sock.recv(65536)


def recv_until_close(sock, deadline=None):
    """All the bytes the peer sends until it closes the connection (FIN). A reset raises
    ConnectionResetError; with `deadline` (a time.monotonic() value) socket.timeout is raised once
    it passes, without it each read waits as long as the socket's own timeout allows."""
    data = b""
    while True:
        chunk = _recv(sock, deadline)
        if not chunk:
            return data
        data += chunk


def read_answer(sock, data=b"", deadline=None):
    """Reads one whole HTTP/1.1 answer (see parse_answer), `data` being bytes already read from
    sock: returns (status, body, rest), rest being what was read past its end. Raises
    ConnectionError when the connection ends first, MalformedAnswer (a ValueError) as
    parse_answer does, and socket.timeout as recv_until_close does."""
    while True:
        parsed = parse_answer(data)
        if parsed:
            status, body, end = parsed
            return status, body, data[end:]
        chunk = _recv(sock, deadline)
        if not chunk:
            raise ConnectionError(f"closed before a whole answer ({len(data)} bytes)")
        data += chunk


# ---- HTTP/1.1 answers ------------------------------------------------------------------------

class MalformedAnswer(ValueError):
    """An answer whose body framing is broken: no more bytes can make it complete."""


def parse_answer(data, pos=0):
    """One HTTP/1.1 answer at data[pos:]: (status, body, end) when complete, None while more bytes
    are needed. A chunked body is complete only with its last chunk (0 CRLF, trailers, CRLF).
    Raises MalformedAnswer when the framing is broken: a chunk size that is not hex, chunk data not
    followed by CRLF, a body with neither Content-Length nor chunked framing (delimited by the
    close). A status line without a numeric status raises ValueError (or IndexError)."""
    end = data.find(b"\r\n\r\n", pos)
    if end < 0:
        return None
    lines = data[pos:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    at = end + 4
    if status < 200 or status in (204, 304):
        return status, b"", at
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = b""
        while True:
            eol = data.find(b"\r\n", at)
            if eol < 0:
                return None
            try:
                size = int(data[at:eol].split(b";")[0], 16)
            except ValueError:
                raise MalformedAnswer(f"chunk size {data[at:eol][:40]!r}") from None
            at = eol + 2
            if size == 0:
                while True:   # trailers, then the empty line
                    eol = data.find(b"\r\n", at)
                    if eol < 0:
                        return None
                    line, at = data[at:eol], eol + 2
                    if not line:
                        return status, body, at
            if len(data) < at + size + 2:
                return None
            if data[at + size:at + size + 2] != b"\r\n":
                raise MalformedAnswer("chunk data not followed by CRLF")
            body += data[at:at + size]
            at += size + 2
    if "content-length" not in headers:
        raise MalformedAnswer("answer without Content-Length or chunked framing")
    length = int(headers["content-length"])
    if len(data) < at + length:
        return None
    return status, data[at:at + length], at + length


def complete_answer(data, pos=0):
    """parse_answer, with a malformed answer counted as never complete (None): for checks that
    must tell a finished answer from a cut or garbled one."""
    try:
        return parse_answer(data, pos)
    except MalformedAnswer:
        return None
