"""The chat model, through LangChain's OpenAI client: OpenAI itself, or any OpenAI-compatible
server at OPENAI_BASE_URL. LangSmith tracing switches on when LANGCHAIN_API_KEY is set."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from shared.settings import Settings

if TYPE_CHECKING:  # LangChain loads with the first chat model, not with every process.
    from langchain_core.language_models.chat_models import BaseChatModel


def configure_tracing(settings: Settings) -> None:
    if not settings.langchain_api_key:
        return
    os.environ["LANGSMITH_TRACING"] = "true"
    os.environ["LANGSMITH_API_KEY"] = settings.langchain_api_key
    os.environ["LANGSMITH_PROJECT"] = settings.langchain_project
    if settings.langchain_endpoint:
        os.environ["LANGSMITH_ENDPOINT"] = settings.langchain_endpoint


def get_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when no LLM is configured."""
    if not settings.llm_configured:
        return None
    from langchain_openai import ChatOpenAI

    configure_tracing(settings)
    return ChatOpenAI(
        model=settings.llm_model,
        api_key=settings.openai_api_key or "not-needed",
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_seconds,
        max_retries=1,
        temperature=0,
    )
