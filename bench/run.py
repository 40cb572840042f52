"""`make bench`: the submission benchmark (bench/submit.py); arguments pass through.

make bench ARGS="--start-server"            # gunicorn + PostgreSQL + Redis of its own
make bench ARGS="--url http://127.0.0.1:8000 --api-key tp_… --survey 1"
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from submit import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
