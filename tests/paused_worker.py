"""A Celery worker whose imports sleep inside their transaction, for test_usage_worker.py.

The product has no test hook: this launcher wraps the import's last step before starting Celery, so
the test can kill the worker while the import's transaction is open.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import django

    django.setup()
    from celery.__main__ import main as celery_main

    import usage.ingest

    pause = float(os.environ["PAUSE_INSIDE_IMPORT_SECONDS"])
    finish = usage.ingest._finish

    def paused_finish(batch, *args, **kwargs):
        logging.getLogger(__name__).warning("pausing inside the import transaction for %s s", pause)
        time.sleep(pause)
        return finish(batch, *args, **kwargs)

    usage.ingest._finish = paused_finish
    sys.argv = ["celery", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
