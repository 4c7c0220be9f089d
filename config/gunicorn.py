"""gunicorn's settings wherever the web app is served: the Dockerfile, docker-compose.yml, and `make bench` and
`make load` (bench/run.py server_start), so that what is measured is what runs (docs/scaling.md).

    gunicorn -c config/gunicorn.py config.wsgi

GUNICORN_BIND (default 0.0.0.0:8000), GUNICORN_WORKERS (default one per core and one more) and GUNICORN_THREADS
(default 1: sync workers; more gives gthread workers of that many threads) change them.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one process per core and one more: each serves one request at a time, so a window request never
# waits for the interpreter behind the other threads of its process. Where PostgreSQL runs on the same machine
# (docker-compose.yml, the benchmarks), more processes only contend with it for the cores: on 2 cores, 20 clients in
# a closed loop, runs of each setting taken in turn (docs/scaling.md), 2 processes spent 15 % less CPU per search and
# 18 % less per quote than 4 and served more; 3 served as many as 2 at a lower p95, the third process covering the
# moments another waits for the database. A host whose database is elsewhere can give each core a second process
# (GUNICORN_WORKERS). A sync worker must not wait on a slow client: docker-compose.yml puts nginx in front, which
# buffers requests and answers.
workers = int(os.environ.get("GUNICORN_WORKERS") or (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
