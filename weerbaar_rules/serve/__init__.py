"""`rules serve`: the HTTP API for case systems and the local web page for the jurist.

Stages, imported downward only: `server` (socket, uvicorn, start and stop)
uses `app` (HTTP: routes, limits, OpenAPI, access log), which uses `pool`
(evaluation processes with a time limit), which starts `worker` (the engines;
the same reading, rendering and error messages as the CLI). `static/` holds
the page (plain HTML, CSS and JavaScript: no build step, no CDN, no external
fonts). Only `worker` is imported in the evaluation processes, so they do not
load FastAPI; this package's `__init__` imports nothing for the same reason.
"""
