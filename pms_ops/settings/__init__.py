"""Settings assembled from small modules; every value comes from the environment.

Unset variables fall back to the embedded default (SQLite and Celery's filesystem
transport under `var/`), so one command runs the product on any machine. Each setting is
declared once, in one module; no module changes another's (the order below does not matter).
"""

from .base import *  # noqa: F403
from .api import *  # noqa: F403
from .tasks import *  # noqa: F403
from .security import *  # noqa: F403
from .approvals import *  # noqa: F403
from .book import *  # noqa: F403
from .incidents import *  # noqa: F403
from .ops import *  # noqa: F403
from .backups import *  # noqa: F403
from .recon import *  # noqa: F403
from .desk import *  # noqa: F403
from .audit import *  # noqa: F403
from . import approvals, audit, backups, incidents, ops, recon, tasks

# Periodic tasks, each app's `beat` dict. The database scheduler (django-celery-beat) syncs them
# on start, after which Ops can change intervals in the admin.
CELERY_BEAT_SCHEDULE = tasks.beat | approvals.beat | incidents.beat | ops.beat | backups.beat | audit.beat | recon.beat
