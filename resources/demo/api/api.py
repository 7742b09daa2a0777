"""demo:api, the lesson's second application: the same base, packages and dependencies as
demo:web (shared layers), only this source file and the entrypoint differ."""
import argparse
import platform

import flask

app = flask.Flask(__name__)


@app.route("/")
def index():
    return flask.jsonify(app="demo:api", flask=getattr(flask, "__version__", "?"), python=platform.python_version(),
                         shares_with="demo:web: the base, the packages and the dependencies layers")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port)
