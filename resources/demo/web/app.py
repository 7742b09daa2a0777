"""demo:web, the lesson's first application: a Flask page about the image it runs from."""
import argparse
import platform
import socket

import flask

app = flask.Flask(__name__)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Hello from demo:web</title></head>
<body>
<h1>Hello from a layered image</h1>
<p>This page is served by Flask {flask} on Python {python}, in container {host}.</p>
<p>The image has four layers: the base (Debian's libc6 and busybox), Python's packages, Flask and
its dependencies, and this file, <code>/app/app.py</code>. demo:api shares the first three.</p>
</body></html>
"""


@app.route("/")
def index():
    return PAGE.format(flask=getattr(flask, "__version__", "?"), python=platform.python_version(), host=socket.gethostname())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port)
