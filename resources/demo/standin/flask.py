"""A STAND-IN FOR FLASK, NOT FLASK.

demo-images.sh packages this file as python3-flask only when it runs offline (Debian's packages
cannot be downloaded) and the host has no Flask installed to copy. It implements the little of
Flask's API the demo applications use (Flask, route, run, jsonify) on Python's http.server, so
the demo images still build and serve their pages; their dependencies layer is then this file
instead of Flask, Werkzeug, Jinja2 and the rest.
"""
import http.server
import json
import sys

__version__ = "stand-in (offline demo, not Flask)"


class Response:
    def __init__(self, body, status=200, content_type="text/html; charset=utf-8"):
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type


def jsonify(*args, **kwargs):
    data = args[0] if len(args) == 1 and not kwargs else (list(args) if args else kwargs)
    return Response(json.dumps(data, indent=2) + "\n", content_type="application/json")


class Flask:
    def __init__(self, import_name):
        self.import_name = import_name
        self.routes = {}

    def route(self, path, **_options):
        def register(view):
            self.routes[path] = view
            return view

        return register

    def _respond(self, path):
        view = self.routes.get(path.split("?", 1)[0])
        if view is None:
            return Response("<h1>Not Found</h1>\n", 404)
        result = view()
        status = 200
        if isinstance(result, tuple):
            result, status = result[0], result[1]
        if isinstance(result, (dict, list)):
            result = jsonify(result)
        if not isinstance(result, Response):
            result = Response(str(result))
        result.status = status if status != 200 else result.status
        return result

    def run(self, host="127.0.0.1", port=5000, **_options):
        app = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                response = app._respond(self.path)
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)

        print(f" * Serving {self.import_name} with the Flask STAND-IN (offline demo) on http://{host}:{port}", file=sys.stderr)
        http.server.ThreadingHTTPServer((host, port), Handler).serve_forever()
