"""``masterly worker``: django-tasks-db's worker made to keep going, with enough capacity.

``loop.py`` is the polling loop that logs any error and carries on; ``pool.py`` runs several
of them as threads; ``identity.py`` and ``heartbeat.py`` let a long run say which worker runs
it and that it is still alive; ``dead_runs.py`` fails the runs of workers that died.
See docs/decisions/0014-a-worker-that-keeps-going.md.
"""
