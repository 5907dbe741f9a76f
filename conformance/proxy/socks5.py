"""A minimal SOCKS5 server (RFC 1928: no authentication, CONNECT only) for the Requests proxy tests.

It writes the port it listens on to --port-file, and one line per tunnel to --log-file:
"CONNECT host:port" with the address as the client sent it (a name or an IPv4 literal), so a test
can prove its request went through here. Standard library only; binds 127.0.0.1.
"""
import argparse
import socket
import socketserver
import struct
import threading


class Handler(socketserver.BaseRequestHandler):
    def read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.request.recv(count - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def handle(self):
        try:
            version, method_count = self.read(2)
            methods = self.read(method_count)
            if version != 5 or 0 not in methods:
                self.request.sendall(b"\x05\xff")
                return
            self.request.sendall(b"\x05\x00")
            version, command, _, address_type = self.read(4)
            if address_type == 1:
                host = socket.inet_ntoa(self.read(4))
            elif address_type == 3:
                host = self.read(self.read(1)[0]).decode()
            elif address_type == 4:
                host = socket.inet_ntop(socket.AF_INET6, self.read(16))
            else:
                return
            (port,) = struct.unpack("!H", self.read(2))
            if command != 1:
                self.request.sendall(b"\x05\x07\x00\x01" + b"\x00" * 6)
                return
            try:
                upstream = socket.create_connection((host, port), timeout=10)
            except OSError:
                self.request.sendall(b"\x05\x05\x00\x01" + b"\x00" * 6)
                return
            self.server.log(f"CONNECT {host}:{port}")
            bound_host, bound_port = upstream.getsockname()[:2]
            self.request.sendall(b"\x05\x00\x00\x01" + socket.inet_aton(bound_host) + struct.pack("!H", bound_port))
            self.relay(upstream)
        except (ConnectionError, OSError, ValueError):
            pass

    def relay(self, upstream):
        def pump(source, sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    sink.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        other = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
        other.start()
        pump(self.request, upstream)
        other.join(timeout=30)
        upstream.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, log_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.log_path = log_path
        self.lock = threading.Lock()

    def log(self, line):
        with self.lock, open(self.log_path, "a") as log:
            log.write(line + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log-file", required=True)
    args = parser.parse_args()
    server = Server(args.log_file)
    with open(args.port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()
