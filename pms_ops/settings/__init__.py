"""Settings assembled from small modules; every value comes from the environment.

Unset variables fall back to the embedded default (SQLite and Celery's filesystem
transport under `var/`), so one command runs the product on any machine.
"""

from .base import *  # noqa: F403
from .api import *  # noqa: F403
from .tasks import *  # noqa: F403
from .security import *  # noqa: F403
from .journal import *  # noqa: F403
from .book import *  # noqa: F403
from .incidents import *  # noqa: F403
from .ops import *  # noqa: F403
from .backups import *  # noqa: F403
from .audit import *  # noqa: F403
