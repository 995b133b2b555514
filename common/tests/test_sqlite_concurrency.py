"""The development database under a few concurrent clicks: no "database is locked" 500s.

SQLite's default (deferred) transactions take the write lock only at the first write; a
transaction that read first and then writes, while another writes, fails at once with "database
is locked" instead of waiting. The settings open every transaction IMMEDIATE, so they queue.
"""

import json
import subprocess
import sys

from common.tests.test_site import ROOT

# Django configured with the project's own SQLite options on a file database; threads run the
# shape of a request that writes (read a row, then write) through transaction.atomic().
SCRIPT = r"""
import json, sys, threading
import django
from django.conf import settings
from dxcenter.settings import base

database = {**base.DATABASES["default"], "NAME": sys.argv[1]}
settings.configure(DATABASES={"default": database}, INSTALLED_APPS=[], USE_TZ=True)
django.setup()
from django.db import OperationalError, connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
    cursor.execute("INSERT INTO counter VALUES (1, 0)")
connection.close()

errors, done = [], []
start = threading.Barrier(int(sys.argv[2]))

def click():
    start.wait()
    for _ in range(int(sys.argv[3])):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter WHERE id = 1")
                    (n,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
            done.append(1)
        except OperationalError as error:
            errors.append(str(error))
    connections.close_all()

threads = [threading.Thread(target=click) for _ in range(int(sys.argv[2]))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter WHERE id = 1")
    (total,) = cursor.fetchone()
    cursor.execute("PRAGMA journal_mode")
    (mode,) = cursor.fetchone()
print(json.dumps({"errors": errors, "done": len(done), "total": total, "mode": mode}))
"""


def test_concurrent_writes_on_the_file_database_wait_instead_of_failing(tmp_path):
    threads, clicks = 6, 15
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "dev.sqlite3"), str(threads), str(clicks)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["mode"] == "wal"
    assert [e for e in outcome["errors"] if "locked" in e] == []
    # No lost update either: each click's read-then-write saw the one before it.
    assert outcome["done"] == outcome["total"] == threads * clicks
