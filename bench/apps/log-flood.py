# The log benchmark's app under uWSGI: GET /flood?mb=N prints N MiB of
# 100-byte lines on stdout (the same lines as log-flood.ts), then answers.
import sys

LINE_BYTES = 100


def application(environ, start_response):
    query = dict(part.split('=', 1) for part in environ.get('QUERY_STRING', '').split('&') if '=' in part)
    mb = int(query.get('mb', '0'))
    if environ.get('PATH_INFO', '').startswith('/flood') and mb > 0:
        out = sys.stdout
        n = 0
        written = 0
        while written < mb * 1024 * 1024:
            lines = []
            size = 0
            while size < 65536:
                n += 1
                line = 'flood %09d %s\n' % (n, 'y' * (LINE_BYTES - 17))
                lines.append(line)
                size += len(line)
            out.write(''.join(lines))
            written += size
        out.flush()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Connection', 'close')])
    return [b'done\n']
