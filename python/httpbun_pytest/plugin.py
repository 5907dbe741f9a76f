"""The fixtures of pytest-httpbin 2.1.0, served by httpbun, and ``httpbun`` (the default flavor)."""
import pytest

from . import certs, serve


@pytest.fixture(scope="session")
def httpbin(request):
    with serve.Server() as server:
        yield server


@pytest.fixture(scope="session")
def httpbin_secure(request):
    with serve.SecureServer() as server:
        yield server


@pytest.fixture(scope="session", params=["http", "https"])
def httpbin_both(request, httpbin, httpbin_secure):
    return httpbin if request.param == "http" else httpbin_secure


@pytest.fixture(scope="class")
def class_based_httpbin(request, httpbin):
    request.cls.httpbin = httpbin


@pytest.fixture(scope="class")
def class_based_httpbin_secure(request, httpbin_secure):
    request.cls.httpbin_secure = httpbin_secure


@pytest.fixture(scope="function")
def httpbin_ca_bundle(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certs.where())


@pytest.fixture(scope="session")
def httpbun(request):
    """httpbun in its default flavor (httpbun's shapes), for suites written against httpbun."""
    with serve.Server(flavor="httpbun") as server:
        yield server
