"""An HTTP/2 echo server for the client's HTTP/2 test (Tests/RequestsTests/HTTP2Tests.swift).

hypercorn, a server we did not write, speaking h2 (and HTTP/1.1) over TLS with ALPN, answers every
request with JSON saying what it received: the protocol version, method, path, query, headers and body.

    echo_server.py CERT.pem KEY.pem

binds 127.0.0.1 on a free port, prints the port on its first line, and stops when its standard input
closes (so a test that dies takes it along).
"""

import asyncio
import json
import socket
import sys

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    answer = json.dumps({
        "http_version": scope["http_version"],
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "headers": [[name.decode(), value.decode()] for name, value in scope["headers"]],
        "body": body.decode("utf-8", "replace"),
    }).encode()
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())],
    })
    await send({"type": "http.response.body", "body": answer})


async def stdin_closed():
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)


def main():
    certfile, keyfile = sys.argv[1], sys.argv[2]
    # Bound here rather than by hypercorn, so that the free port the system picked can be printed.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    config = Config()
    config.certfile, config.keyfile = certfile, keyfile
    config.bind = [f"fd://{listener.fileno()}"]
    config.accesslog = None
    print(listener.getsockname()[1], flush=True)
    asyncio.run(serve(app, config, shutdown_trigger=stdin_closed))


if __name__ == "__main__":
    main()
