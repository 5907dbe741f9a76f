"""Where the CA of ``httpbin_secure`` is, known before any server starts (pytest-httpbin's
``certs.where()``): each secure server writes the CA it made at start-up to this path."""
import os
import tempfile

_PATH = os.environ.get("HTTPBUN_PYTEST_CA") or os.path.join(
    tempfile.gettempdir(), f"httpbun-pytest-{os.getuid()}-{os.getpid()}", "ca.pem"
)
# Workers a session starts (pytest-xdist) read the same path.
os.environ.setdefault("HTTPBUN_PYTEST_CA", _PATH)


def where():
    """The CA bundle that verifies ``httpbin_secure``."""
    return _PATH
