"""gunicorn's settings wherever the web app is served: the Dockerfile, docker-compose.yml, and `make bench` and
`make load` (bench/run.py server_start), so that what is measured is what runs (docs/scaling.md).

    gunicorn -c config/gunicorn.py config.wsgi

GUNICORN_BIND (default 0.0.0.0:8000), GUNICORN_WORKERS (default two per core) and GUNICORN_THREADS (default 1: sync
workers; more gives gthread workers of that many threads) change them.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, two processes per core: each serves one request at a time, so a window request never waits for the
# interpreter behind the other threads of its process. Compared on 2 cores (docs/scaling.md, 20 clients in a closed
# loop), 4 sync processes served as many searches and quotes as 4 processes of 4 threads, at half the p95. A sync
# worker must not wait on a slow client: docker-compose.yml puts nginx in front, which buffers requests and answers.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
