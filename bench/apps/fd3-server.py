"""A tiny exec worker: serves the hello body on the listening socket it inherits
as fd 3 (LISTEN_FDS), one connection at a time, says READY=1 on $NOTIFY_FD and
exits on SIGTERM (the master's default stop signal for exec workers)."""
import os
import signal
import socket
import sys

listener = socket.socket(fileno=3)
# uw hands over the socket with O_NONBLOCK set (systemd's default is blocking):
# without this, accept() with no connection pending raises BlockingIOError
listener.setblocking(True)
body = ("hello from %07d\n" % os.getpid()).encode()
response = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
if "NOTIFY_FD" in os.environ:
    os.write(int(os.environ["NOTIFY_FD"]), b"READY=1\n")
while True:
    connection, _ = listener.accept()
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                break
            request += chunk
        connection.sendall(response)
    except OSError:
        pass
    finally:
        connection.close()
