"""gunicorn's settings wherever the web app is served: the Dockerfile, docker-compose.yml, and `make bench` and
`make load` (bench/run.py server_start), so that what is measured is what runs (docs/scaling.md).

    gunicorn -c config/gunicorn.py config.wsgi

GUNICORN_BIND (default 0.0.0.0:8000), GUNICORN_WORKERS (default two per core) and GUNICORN_THREADS (default 4;
1 for sync workers) change them.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two processes per core, each of four threads (gthread): a request of the window spends part of its time waiting
# for PostgreSQL and for the network, which the other threads fill, and a client's connection is kept alive between
# its requests instead of being opened again for each one, as a sync worker must. Measured on 2 cores
# (BENCHMARKS.md): 2 × cores processes of 4 threads served more window requests than 5 sync workers, at a lower p95.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
