from alembic import context

import enterprise.models  # noqa: F401  (registers the tables on the metadata)
from enterprise.database import SCHEMA, EnterpriseBase
from shared.migrations import run_online
from shared.settings import get_settings

run_online(context.config, SCHEMA, EnterpriseBase.metadata, get_settings())
