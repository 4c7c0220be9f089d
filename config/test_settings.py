"""Settings of the test suite: the production settings, with a fast password hash, tasks run in-process and
uploaded files kept out of the project folder."""

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

# Tests create hundreds of users: MD5 instead of PBKDF2's 0.2 s each. No test is about the hash itself; the
# password rules (validators, lockout) are checked as configured.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run eagerly in the test process. Only `make test-worker` gives a broker, and then a real worker runs them.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")

# The division tree stays in place between transactional tests (conftest.py): it is not serialized to be loaded
# again after each one.
TEST_NON_SERIALIZED_APPS = ["divisions"]

# Each test process (pytest-xdist runs several) stages its uploads in its own folder; a worker started by a test is
# handed the folder in DJANGO_MEDIA_ROOT.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or tempfile.mkdtemp(prefix="canbao-test-media-"))

# The read replica as a second connection to the test database (core.replica), so that a test can see which
# connection each query took. Reads go to it only in the tests that turn DATABASE_REPLICA_READS on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_REPLICA_READS = False
