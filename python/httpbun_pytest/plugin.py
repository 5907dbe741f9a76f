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


class Journal:
    """A server's request journal (`/_journal`, docs/journal.md), read from a test.

    ```python
    def test_webhook(httpbun, httpbun_journal):
        client_under_test.notify(httpbun.url + "/anything/hook")
        [entry] = httpbun_journal.wait(path="/anything/hook", method="POST")
        assert entry["body"] == '{"event": "done"}'
    ```
    """

    def __init__(self, server):
        self.server = server

    def _get(self, query):
        import json
        import urllib.parse
        import urllib.request

        url = self.server.url + "/_journal"
        pairs = {name: value for name, value in query.items() if value is not None}
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.load(response)["entries"]

    def entries(self, path=None, method=None, since=None):
        """The entries held, oldest first, that these filters take."""
        return self._get({"path": path, "method": method, "since": since})

    def wait(self, path=None, method=None, since=None, timeout=2):
        """The matching entries once at least one has arrived, or [] after `timeout` seconds."""
        return self._get({"path": path, "method": method, "since": since, "wait": timeout})

    def clear(self):
        """Forgets every entry (ids go on)."""
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(self.server.url + "/_journal", method="DELETE"), timeout=10).close()


@pytest.fixture(scope="function")
def httpbun_journal(httpbun):
    """The `httpbun` server's request journal, cleared for each test."""
    journal = Journal(httpbun)
    journal.clear()
    return journal
