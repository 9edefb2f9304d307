"""An exec worker in another language: it serves on the listening socket it
inherits as fd 3 (systemd's LISTEN_FDS convention) and says READY=1 on the fd
named by $NOTIFY_FD. On SIGTERM it finishes its requests and exits."""
import os
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"Hello from python worker pid {os.getpid()} of {os.environ.get('UW_VASSAL')}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for in-flight requests


server = Server(("127.0.0.1", 0), Hello, bind_and_activate=False)
server.socket.close()
server.socket = socket.socket(fileno=3)
# handed over blocking, as systemd does; this server select()s on the socket that
# its sibling workers share, so a lost accept() race must not block it
server.socket.setblocking(False)
# SIGTERM is taken with sigwait() while another thread serves, not by a signal
# handler: starting a thread from a handler can deadlock on threading's own locks.
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
if "NOTIFY_FD" in os.environ:
    os.write(int(os.environ["NOTIFY_FD"]), b"READY=1\n")
threading.Thread(target=server.serve_forever).start()
signal.sigwait({signal.SIGTERM, signal.SIGINT})
server.shutdown()
server.server_close()
