"""Serve the browser client (client/) on http://localhost:3000, talking to the
API on the port you give (the one `make run PORT=...` uses).

    make client                 # the API on port 5000
    make client PORT=5001       # the API on port 5001 (macOS: AirPlay takes 5000)
    python3 -m tools client --port 5001    (Windows: py -m tools client --port 5001)

client/config.js says which port; this server hands it out with your port in
it, so no file changes. The client stays on port 3000 because that origin is
the one the API allows by default (CORS_ORIGINS). Standard library only.
"""
import argparse
import functools
import http.server
import re
import sys
from pathlib import Path

CLIENT = Path(__file__).resolve().parent.parent / "client"
PORT_LINE = re.compile(r"^const API_PORT = \d+;", re.M)


def config_with_port(port):
    """client/config.js as served: API_PORT set to `port`."""
    text = (CLIENT / "config.js").read_text(encoding="utf-8")
    return PORT_LINE.sub("const API_PORT = %d;" % port, text)


class Handler(http.server.SimpleHTTPRequestHandler):
    api_port = 5000

    def do_GET(self):
        if self.path.split("?")[0] == "/config.js":
            body = config_with_port(self.api_port).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def server(api_port, port=3000, host="127.0.0.1"):
    handler = functools.partial(type("ClientHandler", (Handler,), {"api_port": api_port}), directory=str(CLIENT))
    return http.server.ThreadingHTTPServer((host, port), handler)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="client", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000, help="the API's port (default 5000)")
    parser.add_argument("--client-port", type=int, default=3000)
    args = parser.parse_args(argv)
    try:
        httpd = server(args.port, args.client_port)
    except OSError:
        print("Port %d is in use: is the client already running in another terminal?" % args.client_port)
        return 1
    print("Serving client/ on http://localhost:%d  (Ctrl+C to stop)\n"
          "It talks to the API on http://localhost:%d: run it in another terminal (make run%s)." % (
              args.client_port, args.port, "" if args.port == 5000 else " PORT=%d" % args.port), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
