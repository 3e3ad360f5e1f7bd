from alembic import context

import chatbot.models  # noqa: F401  (registers the tables on the metadata)
from chatbot.database import SCHEMA, ChatbotBase
from shared.migrations import run_online
from shared.settings import get_settings

run_online(context.config, SCHEMA, ChatbotBase.metadata, get_settings())
