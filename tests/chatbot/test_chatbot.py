"""The marketing chatbot: admins, documents, conversations and cited answers."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from chatbot.main import create_app
from shared.settings import Settings
from tests.chatbot.conftest import ChatApi
from tests.factories import ChatbotAccount, bearer, make_chatbot_tenant
from tests.fakes.openai_server import running_fake_openai

DATA = Path(__file__).parents[1] / "data"
MIME = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}


def _login(client: TestClient, account: ChatbotAccount) -> str:
    response = client.post("/api/chat/auth/token", data={"username": account.admin_email, "password": account.password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _upload(client: TestClient, token: str, name: str, content: bytes | None = None) -> dict:
    data = content if content is not None else (DATA / name).read_bytes()
    response = client.post(
        "/api/chat/documents",
        files={"file": (name, data, MIME.get(Path(name).suffix, "application/octet-stream"))},
        headers=bearer(token),
    )
    return {"status": response.status_code, "body": response.json()}


@pytest.fixture(scope="session")
def furnished_tenant(chat_api: ChatApi) -> tuple[ChatbotAccount, str]:
    """A tenant with the brochure, the FAQ and the opening hours indexed."""
    account = make_chatbot_tenant(chat_api.settings, "rize-cleaning")
    token = _login(chat_api.client, account)
    for name in ("rize_cleaning_services.pdf", "rize_cleaning_faq.docx", "rize_cleaning_hours.txt"):
        result = _upload(chat_api.client, token, name)
        assert result["status"] == 201, result
    return account, token


def _ask(client: TestClient, slug: str, question: str) -> dict:
    conversation = client.post(f"/api/chat/{slug}/conversations", json={"visitor": "web"})
    assert conversation.status_code == 201
    reply = client.post(
        f"/api/chat/{slug}/conversations/{conversation.json()['id']}/messages", json={"message": question}
    )
    assert reply.status_code == 200, reply.text
    return {"conversation_id": conversation.json()["id"], **reply.json()}


def test_admin_sees_own_tenant(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, token = furnished_tenant
    me = chat_api.client.get("/api/chat/me", headers=bearer(token)).json()
    assert me["tenant_slug"] == account.slug
    documents = chat_api.client.get("/api/chat/documents", headers=bearer(token)).json()
    assert {d["filename"] for d in documents} == {
        "rize_cleaning_services.pdf",
        "rize_cleaning_faq.docx",
        "rize_cleaning_hours.txt",
    }
    brochure = next(d for d in documents if d["filename"].endswith(".pdf"))
    assert brochure["pages"] == 2
    assert brochure["chunks"] >= 2


def test_visitor_gets_price_with_page_citation(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, _ = furnished_tenant
    answer = _ask(chat_api.client, account.slug, "How much does a deep cleaning cost?")
    assert answer["mode"] == "extractive"
    assert "240 dollars" in answer["content"]
    top = answer["citations"][0]
    assert top["filename"] == "rize_cleaning_services.pdf"
    assert top["page"] == 2


def test_spanish_question_is_answered_from_docx(
    chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]
) -> None:
    account, _ = furnished_tenant
    answer = _ask(chat_api.client, account.slug, "¿Los supervisores hablan español?")
    assert "español" in answer["content"]
    assert answer["citations"][0]["filename"] == "rize_cleaning_faq.docx"


def test_unrelated_question_is_not_answered(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, _ = furnished_tenant
    answer = _ask(chat_api.client, account.slug, "What is the airspeed velocity of an unladen swallow in kilometres?")
    assert answer["content"].startswith("I couldn't find that")
    assert answer["citations"] == []


def test_conversation_keeps_its_messages(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, token = furnished_tenant
    answer = _ask(chat_api.client, account.slug, "When are you open?")
    assert "Monday to Saturday" in answer["content"]
    history = chat_api.client.get(f"/api/chat/{account.slug}/conversations/{answer['conversation_id']}").json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == "When are you open?"
    listed = chat_api.client.get("/api/chat/conversations", headers=bearer(token)).json()
    assert answer["conversation_id"] in {c["id"] for c in listed}


def test_same_file_twice_is_one_document(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    _, token = furnished_tenant
    again = _upload(chat_api.client, token, "rize_cleaning_hours.txt")
    assert again["status"] == 200
    documents = chat_api.client.get("/api/chat/documents", headers=bearer(token)).json()
    assert sum(d["filename"] == "rize_cleaning_hours.txt" for d in documents) == 1


def test_bad_uploads_are_refused_clearly(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    _, token = furnished_tenant
    wrong_type = _upload(chat_api.client, token, "tool.exe", b"MZ\x90\x00")
    assert wrong_type["status"] == 415
    assert ".exe" in wrong_type["body"]["detail"]
    disguised = _upload(chat_api.client, token, "png_named.pdf")
    assert disguised["status"] == 415
    too_big = _upload(chat_api.client, token, "huge.txt", b"a" * (chat_api.settings.chatbot_max_file_size + 1))
    assert too_big["status"] == 413
    empty = _upload(chat_api.client, token, "empty.txt", b"")
    assert empty["status"] == 422
    no_auth = chat_api.client.post("/api/chat/documents", files={"file": ("a.txt", b"hello", "text/plain")})
    assert no_auth.status_code == 401
    documents = chat_api.client.get("/api/chat/documents", headers=bearer(token)).json()
    assert not {"tool.exe", "png_named.pdf", "huge.txt", "empty.txt"} & {d["filename"] for d in documents}


def test_tenants_never_see_each_other(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, token = furnished_tenant
    other = make_chatbot_tenant(chat_api.settings, "floors-installer")
    other_token = _login(chat_api.client, other)
    assert chat_api.client.get("/api/chat/documents", headers=bearer(other_token)).json() == []
    answer = _ask(chat_api.client, other.slug, "How much does a deep cleaning cost?")
    assert answer["citations"] == []
    mine = chat_api.client.get("/api/chat/documents", headers=bearer(token)).json()
    delete = chat_api.client.delete(f"/api/chat/documents/{mine[0]['id']}", headers=bearer(other_token))
    assert delete.status_code == 404
    my_conversation = _ask(chat_api.client, account.slug, "When are you open?")["conversation_id"]
    peek = chat_api.client.get(f"/api/chat/{other.slug}/conversations/{my_conversation}")
    assert peek.status_code == 404
    assert chat_api.client.get(f"/api/chat/no-such-tenant/conversations/{uuid.uuid4()}").status_code == 404


def test_deleted_document_no_longer_answers(chat_api: ChatApi) -> None:
    account = make_chatbot_tenant(chat_api.settings, "temp")
    token = _login(chat_api.client, account)
    uploaded = _upload(chat_api.client, token, "rize_cleaning_hours.txt")
    assert "Monday" in _ask(chat_api.client, account.slug, "What are your opening hours?")["content"]
    assert (
        chat_api.client.delete(f"/api/chat/documents/{uploaded['body']['id']}", headers=bearer(token)).status_code
        == 204
    )
    after = _ask(chat_api.client, account.slug, "What are your opening hours?")
    assert after["citations"] == []


def test_bad_credentials_and_foreign_tokens(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, _ = furnished_tenant
    wrong = chat_api.client.post(
        "/api/chat/auth/token", data={"username": account.admin_email, "password": "nope-nope-nope"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "not_authenticated"
    from datetime import timedelta

    from shared.security import TokenCodec

    enterprise_token = TokenCodec.for_audience(chat_api.settings, "enterprise").encode(
        str(uuid.uuid4()), timedelta(minutes=5)
    )
    assert chat_api.client.get("/api/chat/me", headers=bearer(enterprise_token)).status_code == 401
    invalid = chat_api.client.post(
        f"/api/chat/{account.slug}/conversations/{uuid.uuid4()}/messages", json={"message": ""}
    )
    assert invalid.status_code == 422
    assert invalid.json()["fields"][0]["field"] == "body.message"


def test_llm_answers_cite_the_sources_it_used(chat_api: ChatApi, furnished_tenant: tuple[ChatbotAccount, str]) -> None:
    account, _ = furnished_tenant
    with running_fake_openai() as fake:
        settings = Settings(
            enterprise_enabled=chat_api.enterprise_enabled, openai_base_url=fake.url, openai_api_key="sk-test"
        )
        with TestClient(create_app(settings)) as client:
            answer = _ask(client, account.slug, "How much does a deep cleaning cost?")
    assert answer["mode"] == "llm"
    assert answer["content"].endswith("[1]")
    assert answer["citations"][0]["filename"] == "rize_cleaning_services.pdf"
    sent = fake.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer sk-test"
    assert "240 dollars" in str(sent["body"]["messages"])
