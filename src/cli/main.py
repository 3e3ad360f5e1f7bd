"""`brain`: serve, work, migrate and bootstrap tenants from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from shared.errors import DomainError
from shared.settings import Settings, get_settings

if TYPE_CHECKING:
    from cli.ingest import Outcome

app = typer.Typer(help="Enterprise AI Brain and the marketing chatbot.", no_args_is_help=True)
enterprise_app = typer.Typer(help="Enterprise tenants.", no_args_is_help=True)
chatbot_app = typer.Typer(help="Chatbot tenants.", no_args_is_help=True)
app.add_typer(enterprise_app, name="enterprise")
app.add_typer(chatbot_app, name="chatbot")
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> None:
    errors.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@app.command()
def migrate(
    product: Annotated[str, typer.Option(help="chatbot, enterprise or all")] = "all",
    revision: Annotated[str, typer.Option(help="target revision")] = "head",
) -> None:
    """Bring the database schemas up to date (one Alembic history per schema)."""
    from shared.migrations import PRODUCTS, upgrade

    settings = get_settings()
    targets = PRODUCTS if product == "all" else (product,)
    for target in targets:
        if target not in PRODUCTS:
            _fail(f"unknown product {target!r}; expected one of: all, {', '.join(PRODUCTS)}")
        upgrade(settings, target, revision)
        console.print(f"[green]migrated[/green] {target} to {revision}")


@app.command("secrets-key")
def secrets_key() -> None:
    """Print a new key for SECRETS_KEY (put it first in the list to rotate keys)."""
    from shared.secrets import generate_key

    console.print(generate_key())


@app.command("grant-web-role")
def grant_web_role(
    role: Annotated[str, typer.Argument(help="the PostgreSQL role the web server connects as (DATABASE_URL)")],
) -> None:
    """Give the web role what it needs and nothing more: rows through row-level security, no ownership."""
    import re

    from sqlalchemy import text

    from shared.database import create_db_engine

    settings = get_settings()
    if not settings.database_url:
        _fail("grant-web-role is for PostgreSQL: set DATABASE_URL (and DATABASE_OWNER_URL)")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        _fail("a role name is lower-case letters, digits and underscores")
    engine = create_db_engine(settings, ["enterprise"], owner=True)
    statements = (
        [f"GRANT USAGE ON SCHEMA {schema} TO {role}" for schema in ("enterprise", "chatbot")]
        + [
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"
            for schema in ("enterprise", "chatbot")
        ]
        + [
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
            for schema in ("enterprise", "chatbot")
        ]
        + [f"GRANT EXECUTE ON FUNCTION enterprise.login_enterprise(text) TO {role}"]
        + [f"GRANT EXECUTE ON FUNCTION enterprise.api_key_enterprise(text) TO {role}"]
        + [f"GRANT EXECUTE ON FUNCTION enterprise.connector_authorization_enterprise(text) TO {role}"]
    )
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()
    console.print(f"[green]granted[/green] {role}: table rows in schemas enterprise and chatbot, sign-in lookup")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="default: $PORT (Railway sets it), else 8000")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    migrate_first: Annotated[
        bool | None, typer.Option("--migrate/--no-migrate", help="default: migrate on embedded SQLite only")
    ] = None,
) -> None:
    """Run the root app: /api/chat, and /api/enterprise and /dashboard when ENTERPRISE_ENABLED."""
    import uvicorn

    settings = get_settings()
    if workers > 1:
        _refuse_unshared(settings, workers)
    if migrate_first if migrate_first is not None else settings.database_url is None:
        migrate(product="all", revision="head")
    uvicorn.run("chatbot.main:app", host=host, port=port, workers=workers, proxy_headers=True)


def _refuse_unshared(settings: Settings, workers: int) -> None:
    """Several server processes must share their database, job queue and vector store: the
    embedded defaults (an SQLite file, a queue drained inside each process, an embedded Chroma
    directory) are each safe for one process only."""
    missing = [
        name
        for name, value in (
            ("DATABASE_URL (PostgreSQL)", settings.database_url),
            ("REDIS_URL (the job queue, consumed by `brain worker`)", settings.redis_url),
            ("CHROMA_URL (a Chroma server)", settings.chroma_url),
        )
        if not value
    ]
    if missing:
        _fail(
            f"--workers {workers} needs services every process shares; set "
            + ", ".join(missing)
            + ". With the embedded defaults, run one process (--workers 1)."
        )


@app.command()
def worker(
    workers: Annotated[int, typer.Option(help="worker threads")] = 2,
) -> None:
    """Consume enterprise jobs (ingestion, syncs, scheduled reports) from the queue."""
    from huey.consumer import Consumer

    from enterprise.jobs import register_jobs

    huey = register_jobs()

    console.print(f"[green]worker[/green] consuming queue {huey.name!r} with {workers} threads")
    Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()


@enterprise_app.command("create")
def enterprise_create(
    slug: Annotated[str, typer.Argument(help="e.g. coca-cola")],
    admin_email: Annotated[str, typer.Option(help="the first admin's email")],
    admin_password: Annotated[str, typer.Option(help="at least 10 characters", prompt=True, hide_input=True)],
    name: Annotated[str, typer.Option(help="display name")] = "",
) -> None:
    """Create an enterprise and its first admin."""
    from enterprise.auth.service import create_enterprise
    from enterprise.runtime import EnterpriseRuntime
    from shared.database import session_scope

    settings = get_settings()
    runtime = EnterpriseRuntime.from_settings(settings, owner=True)
    try:
        with session_scope(runtime.session_factory) as session:
            enterprise, admin = create_enterprise(
                session,
                slug=slug,
                name=name,
                admin_email=admin_email,
                admin_password=admin_password,
                max_documents=settings.enterprise_max_documents,
            )
            console.print(
                f"[green]created[/green] enterprise {enterprise.slug} ({enterprise.id}) with admin {admin.email}"
            )
    except DomainError as exc:
        _fail(exc.detail)
    finally:
        runtime.engine.dispose()


@enterprise_app.command("quota")
def enterprise_quota(
    slug: Annotated[str, typer.Argument(help="the enterprise's slug")],
    monthly_tokens: Annotated[int, typer.Option(help="language-model tokens a calendar month (UTC)")],
) -> None:
    """Set an enterprise's monthly language-model token quota."""
    from enterprise.auth.service import set_token_quota
    from enterprise.runtime import EnterpriseRuntime
    from shared.database import session_scope

    runtime = EnterpriseRuntime.from_settings(get_settings(), owner=True)
    try:
        with session_scope(runtime.session_factory) as session:
            enterprise = set_token_quota(session, slug, monthly_tokens)
            console.print(f"[green]set[/green] {enterprise.slug}: {enterprise.monthly_token_quota:,} tokens a month")
    except DomainError as exc:
        _fail(exc.detail)
    finally:
        runtime.engine.dispose()


def _run_documents(enterprise: str, as_user: str | None, work: Callable[..., list[Outcome]]) -> None:
    """Resolve the acting user, run `work(runtime, user)`, print the summary; exit 2 if any failed."""
    from cli.ingest import acting_user, summary_table
    from enterprise.runtime import EnterpriseRuntime

    runtime = EnterpriseRuntime.from_settings(get_settings(), owner=True)
    try:
        outcomes = work(runtime, acting_user(runtime, enterprise, as_user))
    except DomainError as exc:
        _fail(exc.detail)
        return
    finally:
        runtime.engine.dispose()
    console.print(summary_table(outcomes))
    if any(o.status in {"failed", "refused"} for o in outcomes):
        raise typer.Exit(code=2)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders")],
    enterprise: Annotated[str, typer.Option("--enterprise", "-e", help="the enterprise's slug")],
    as_user: Annotated[str | None, typer.Option("--as", help="uploader's email (default: the first admin)")] = None,
) -> None:
    """Upload and process documents here, with a progress bar per file and a summary."""
    from cli.ingest import expand_paths, ingest_files

    _run_documents(enterprise, as_user, lambda runtime, user: ingest_files(runtime, user, expand_paths(paths), console))


@app.command()
def reindex(
    enterprise: Annotated[str, typer.Option("--enterprise", "-e", help="the enterprise's slug")],
    document_ids: Annotated[list[str] | None, typer.Argument(help="documents to re-parse (default: all)")] = None,
    facts: Annotated[
        bool, typer.Option("--facts", help="only read the financial statements again from the stored tables")
    ] = False,
) -> None:
    """Re-parse documents from their stored originals, with a progress bar per document."""
    import uuid

    from cli.ingest import document_ids_of, reindex_documents, reread_statements_of

    try:
        ids = [uuid.UUID(d) for d in document_ids] if document_ids else None
    except ValueError:
        _fail("document ids are UUIDs")
        return
    work = reread_statements_of if facts else reindex_documents
    _run_documents(
        enterprise, None, lambda runtime, user: work(runtime, user, ids or document_ids_of(runtime, user), console)
    )


@chatbot_app.command("create-tenant")
def chatbot_create_tenant(
    slug: Annotated[str, typer.Argument(help="e.g. rize-cleaning")],
    admin_email: Annotated[str, typer.Option()],
    admin_password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a chatbot tenant and its admin."""
    from chatbot.runtime import ChatbotRuntime
    from chatbot.service import create_tenant
    from shared.database import session_scope

    runtime = ChatbotRuntime.from_settings(get_settings())
    try:
        with session_scope(runtime.session_factory) as session:
            tenant = create_tenant(session, slug, name, admin_email, admin_password)
            console.print(f"[green]created[/green] chatbot tenant {tenant.slug} with admin {admin_email.lower()}")
    except DomainError as exc:
        _fail(exc.detail)
    finally:
        runtime.engine.dispose()


def main() -> None:
    sys.exit(app())
