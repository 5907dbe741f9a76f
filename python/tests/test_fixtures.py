"""Our plugin's own checks, beside pytest-httpbin's tests (conformance/pytest-httpbin/run.sh)."""
import os

import requests

import httpbun_pytest
import httpbun_pytest.serve
from httpbun_pytest import certs


def test_httpbin_answers_as_python_httpbin(httpbin):
    response = requests.get(httpbin.url + "/get?a=1")
    assert response.status_code == 200
    assert response.json()["args"] == {"a": "1"}
    assert "X-Powered-By" not in response.headers   # httpbun's flavor adds it; httpbin's does not


def test_httpbin_redirects_anywhere(httpbin):
    response = requests.get(httpbin + "/redirect-to?url=http://elsewhere.example/", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://elsewhere.example/"


def test_httpbun_fixture_is_the_default_flavor(httpbun):
    response = requests.get(httpbun.join("/get"))
    assert response.status_code == 200
    assert response.headers["X-Powered-By"] == "httpbun/"


def test_secure_server_is_verified_with_the_bundle(httpbin_secure):
    assert os.path.exists(certs.where())
    assert requests.get(httpbin_secure + "/get", verify=certs.where()).status_code == 200


def test_ports_from_the_environment(monkeypatch):
    monkeypatch.setenv("HTTPBIN_HTTP_PORT", "12399")
    with httpbun_pytest.serve.Server() as server:
        assert server.port == 12399
        assert requests.get(server.url + "/status/418").status_code == 418


def test_journal_sees_what_arrived(httpbun, httpbun_journal):
    assert httpbun_journal.entries() == []
    requests.post(httpbun + "/anything/hook", json={"event": "done"}, headers={"Authorization": "Bearer t"})
    [entry] = httpbun_journal.wait(path="/anything/hook", method="POST")
    assert entry["body"] == '{"event": "done"}'
    assert ["Authorization", "Bearer t"] in entry["headers"]
    assert httpbun_journal.wait(path="/never", timeout=0.2) == []
