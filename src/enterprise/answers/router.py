from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from enterprise.answers import query_log, service
from enterprise.answers.models import AnswerMode, Feedback, SearchMode
from enterprise.answers.repository import QueryLogFilters
from enterprise.answers.schemas import (
    CitationOut,
    FeedbackIn,
    QueryIn,
    QueryOut,
    QueryPage,
    QueryRecordOut,
    SearchHitOut,
    UsageOut,
)
from enterprise.answers.search import search_meaning, search_text
from enterprise.dependencies import AdminUser, CurrentUser, DbSession, Runtime
from enterprise.documents.repository import DocumentFilters
from shared.request_guards import Offset, UTCTimestamp

router = APIRouter(tags=["answers"])

QUERY_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The answer; with `stream` or `Accept: text/event-stream`, server-sent events: "
        "`token` events with the model's words as they come, then one `answer` event with this body.",
        "content": {
            "text/event-stream": {
                "schema": {
                    "description": "one server-sent event; `data` is JSON: {text} for `token`, the body for `answer`",
                    "type": "object",
                    "required": ["event", "data"],
                    "properties": {
                        "event": {"type": "string", "enum": ["token", "answer"]},
                        "data": {"type": "string", "contentMediaType": "application/json"},
                    },
                }
            }
        },
    },
    429: {"description": "The enterprise's monthly language-model token quota is used up."},
}


def _question(body: QueryIn) -> service.Question:
    filters = DocumentFilters(
        doc_type=body.filters.doc_type,
        company=body.filters.company,
        fiscal_year=body.filters.fiscal_year,
        uploaded_after=body.filters.uploaded_after,
        uploaded_before=body.filters.uploaded_before,
        tags=tuple(body.filters.tags),
    )
    return service.Question(
        text=body.question,
        document_ids=body.document_ids,
        filters=filters,
        top_k=body.top_k,
        request=body.model_dump(mode="json", exclude={"question"}),
    )


def _out(answered: service.Answered) -> QueryOut:
    record = answered.record
    return QueryOut(
        answer=record.answer,
        value=record.value,
        unit=record.unit,
        mode=record.mode,
        citations=[CitationOut.model_validate(c) for c in record.citations],
        facts=answered.draft.facts,
        query_id=record.id,
        found=record.found,
        language=answered.language,
        note=record.note,
        latency_ms=record.latency_ms,
    )


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/query", response_model=QueryOut, responses=QUERY_RESPONSES)
def ask(
    body: QueryIn, request: Request, response: Response, user: CurrentUser, session: DbSession, runtime: Runtime
) -> QueryOut | StreamingResponse:
    """Answer a question from the enterprise's documents, with citations (document, page)."""
    model = runtime.chat_model()
    question = _question(body)
    if body.stream or "text/event-stream" in request.headers.get("accept", ""):
        if model is not None:
            query_log.check_quota(session, user.enterprise_id)
        return StreamingResponse(
            _events(runtime, model, user.enterprise_id, user.id, question), media_type="text/event-stream"
        )
    answered = service.ask(session, runtime, model, user, question)
    # Whether this process answered it again from its cache of unchanged answers.
    response.headers["X-Answer-Cache"] = "hit" if answered.from_cache else "miss"
    return _out(answered)


def _events(
    runtime: Runtime, model: object, enterprise_id: uuid.UUID, user_id: uuid.UUID, question: service.Question
) -> Iterator[str]:
    for event in service.ask_streaming(runtime, model, enterprise_id, user_id, question):  # type: ignore[arg-type]
        if event.answered is not None:
            yield _sse("answer", _out(event.answered).model_dump(mode="json"))
        else:
            yield _sse("token", {"text": event.text})


@router.get("/queries", response_model=QueryPage)
def list_queries(
    user: AdminUser,
    session: DbSession,
    user_id: uuid.UUID | None = None,
    mode: AnswerMode | None = None,
    feedback: Feedback | None = None,
    found: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="words in the question")] = None,
    after: UTCTimestamp | None = None,
    before: UTCTimestamp | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> QueryPage:
    """The query log of the enterprise (admins), newest first."""
    filters = QueryLogFilters(user_id, mode, feedback, found, q, after, before)
    rows, total = query_log.list_queries(session, user, filters, limit, offset)
    return QueryPage(items=[QueryRecordOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/me/queries", response_model=QueryPage)
def my_queries(
    user: CurrentUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
) -> QueryPage:
    """The questions the signed-in user asked, newest first."""
    rows, total = query_log.list_queries(session, user, QueryLogFilters(user_id=user.id), limit, offset)
    return QueryPage(items=[QueryRecordOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/queries/{query_id}", response_model=QueryRecordOut)
def get_query(query_id: uuid.UUID, user: CurrentUser, session: DbSession) -> QueryRecordOut:
    """One logged query: the asker's own, or any for admins."""
    return QueryRecordOut.model_validate(query_log.get_query(session, user, query_id))


@router.post("/queries/{query_id}/feedback", response_model=QueryRecordOut)
def give_feedback(query_id: uuid.UUID, body: FeedbackIn, user: CurrentUser, session: DbSession) -> QueryRecordOut:
    """Rate an answer up or down, with an optional comment (the asker, or an admin)."""
    record = query_log.give_feedback(session, user, query_id, body.rating, body.comment)
    return QueryRecordOut.model_validate(record)


@router.get("/usage", response_model=UsageOut)
def usage(user: AdminUser, session: DbSession) -> UsageOut:
    """Language-model tokens used this month against the enterprise's quota."""
    used = query_log.usage_of(session, user)
    return UsageOut(
        month=used.month,
        prompt_tokens=used.prompt_tokens,
        completion_tokens=used.completion_tokens,
        total_tokens=used.total_tokens,
        requests=used.requests,
        monthly_token_quota=used.monthly_token_quota,
        remaining_tokens=used.remaining_tokens,
    )


@router.get("/search", response_model=list[SearchHitOut])
def search(
    user: CurrentUser,
    session: DbSession,
    runtime: Runtime,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    document_ids: Annotated[list[uuid.UUID] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: SearchMode = SearchMode.WORDS,
) -> list[SearchHitOut]:
    """Search over the enterprise's documents: by `words` (full text, available as soon as a
    document is searchable) or by `meaning` (passages that say the same in other words; documents
    that are ready)."""
    if mode == SearchMode.MEANING:
        hits = search_meaning(
            session, runtime.dense_searcher(), runtime.document_catalogue, user, q, limit, document_ids
        )
    else:
        hits = search_text(session, user, q, limit, document_ids)
    return [
        SearchHitOut(
            document_id=hit.document.id,
            filename=hit.document.filename,
            page=hit.chunk.page,
            section=hit.chunk.section,
            is_statement=hit.chunk.is_statement,
            kind=hit.chunk.kind.value,
            snippet=hit.chunk.text[:400],
            score=round(hit.score, 4),
        )
        for hit in hits
    ]
