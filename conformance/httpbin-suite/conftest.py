"""Runs python httpbin 0.10.4's own tests (its sdist's tests/test_httpbin.py) against our server.

Those tests call `httpbin.app.test_client()`, a werkzeug client that drives the Flask app in
process. Here that client drives a WSGI app that forwards each request, as werkzeug built it, to
the server under test over a real socket (HTTPBUN_URL), and hands its answer back: the tests see
our answers through the same client code they were written with.
"""
import http.client
import os
import urllib.parse

import httpbin
import pytest
from werkzeug.test import Client, TestResponse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class Forwarder:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port

    def __call__(self, environ, start_response):
        target = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if not target:
            target = urllib.parse.quote(environ.get("PATH_INFO", "/"))
            if environ.get("QUERY_STRING"):
                target += "?" + environ["QUERY_STRING"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        connection.putrequest(environ["REQUEST_METHOD"], target, skip_host=True, skip_accept_encoding=True)
        for key, value in environ.items():
            # A field with no name (the suite sends one) cannot be written to a socket: werkzeug
            # makes it `HTTP_` in process, a client on the wire drops it. The body is re-framed by
            # Content-Length, so the client's Transfer-Encoding (hop-by-hop) is not passed on.
            if key.startswith("HTTP_") and len(key) > 5 and key != "HTTP_TRANSFER_ENCODING":
                name = key[5:].replace("_", "-").title()
                connection.putheader(name, value)
        if environ.get("CONTENT_TYPE"):
            connection.putheader("Content-Type", environ["CONTENT_TYPE"])
        if body or environ.get("CONTENT_LENGTH"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        response = connection.getresponse()
        data = response.read()
        headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        connection.close()
        start_response(f"{response.status} {response.reason}", headers)
        return [data]


@pytest.fixture(autouse=True)
def _forward(monkeypatch):
    url = os.environ["HTTPBUN_URL"]
    monkeypatch.setattr(httpbin.app, "test_client", lambda *a, **k: Client(Forwarder(url), TestResponse))
