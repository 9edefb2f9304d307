"""The benchmark's hello app for uWSGI (WSGI): the same fixed-size body as
bench/apps/hello.ts, naming the worker that answered (read per request: uWSGI
loads the app in the master and forks the workers). It closes the connection,
as uWSGI's http-socket does after each response anyway."""
import os


def application(environ, start_response):
    body = ("hello from %07d\n" % os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("Connection", "close")])
    return [body]
