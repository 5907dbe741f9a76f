"""httpbun as a child process, with pytest-httpbin's server object: ``url``, ``host``, ``port``,
``protocol``, ``join()``, ``server + "/path"``, and ``HTTPBIN_HTTP_PORT`` / ``HTTPBIN_HTTPS_PORT``."""
import os
import shutil
import subprocess
import tempfile
from urllib.parse import urljoin, urlsplit

from . import certs


def bundled():
    """The binary the platform wheel carries (``make wheel``), or None in a plain install."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "httpbun")
    return path if os.access(path, os.X_OK) else None


def binary():
    """The httpbun executable to run: ``$HTTPBUN_BIN``, else the wheel's own, else ``httpbun`` on
    ``PATH``, else this checkout's ``.build/release/httpbun``. The wheel's comes before ``PATH``
    because the wheel also installs an ``httpbun`` command, a Python script that runs it."""
    if os.environ.get("HTTPBUN_BIN"):
        return os.environ["HTTPBUN_BIN"]
    found = bundled() or shutil.which("httpbun")
    if found:
        return found
    checkout = os.path.join(os.path.dirname(__file__), "..", "..", ".build", "release", "httpbun")
    if os.path.exists(checkout):
        return os.path.abspath(checkout)
    raise RuntimeError("no httpbun binary: set HTTPBUN_BIN, install the platform wheel (make wheel), "
                       "put httpbun on PATH, or run `make release` in the checkout")


class Server:
    """One httpbun process, started at construction (its port is known then, as pytest-httpbin's
    is) and stopped by ``stop()`` or the end of a ``with`` block."""

    port_envvar = "HTTPBIN_HTTP_PORT"
    protocol = "http"

    def __init__(self, host="127.0.0.1", port=0, application=None, flavor="httpbin", extra_args=()):
        # `application` is pytest-httpbin's WSGI app: there is none here; it is taken and ignored.
        if self.port_envvar in os.environ:
            port = int(os.environ[self.port_envvar])
        arguments = [binary(), "--host", host, "--port", str(port), "--flavor", flavor, "--log-level", "warning"]
        if flavor == "httpbin":
            arguments += ["--allow-redirect-host", "*"]
        arguments += list(extra_args) + self._tls_arguments()
        # Standard error goes to a file: a pipe nobody reads would stop the server once full.
        self._log = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=self._log, text=True)
        line = self._process.stdout.readline().strip()
        if not line:
            self._process.wait(timeout=10)
            self._log.seek(0)
            raise RuntimeError(f"httpbun did not start: {self._log.read().strip()}")
        parts = urlsplit(line)
        self.host, self.port = parts.hostname, parts.port

    def _tls_arguments(self):
        return []

    def start(self):
        """Already serving (pytest-httpbin's servers start here)."""

    def stop(self):
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process.stdout.close()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __del__(self):
        if hasattr(self, "_process"):
            self.stop()

    def __add__(self, other):
        return self.url + other

    @property
    def url(self):
        return f"{self.protocol}://{self.host}:{self.port}"

    def join(self, url, allow_fragments=True):
        return urljoin(self.url, url, allow_fragments=allow_fragments)


class SecureServer(Server):
    """HTTPS with a certificate made at start-up, its CA written to ``certs.where()``."""

    port_envvar = "HTTPBIN_HTTPS_PORT"
    protocol = "https"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # `certs.where()` is a bundle of every CA a secure server of this session made: a second
        # server (a test may start its own) must not make the first one's clients fail.
        with open(self._own_ca) as own, open(certs.where(), "a") as bundle:
            bundle.write(own.read())

    def _tls_arguments(self):
        folder = os.path.dirname(certs.where())
        os.makedirs(folder, exist_ok=True)
        self._own_ca = tempfile.mkstemp(prefix="ca-", suffix=".pem", dir=folder)[1]
        return ["--tls-self-signed", "--tls-ca-out", self._own_ca]
