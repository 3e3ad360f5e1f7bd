"""The executives' dashboard in Chromium, against `brain serve` on embedded defaults with the
Apple 10-K ingested: what an executive, a viewer and another enterprise's user see and can do."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.enterprise.dashboard.conftest import AXE, DESKTOP, PASSWORD, PHONE, Account, DashboardSite, _brain
from tests.fakes.sources import FakeDrive
from tests.webhook_receiver import webhook_receiver

pytestmark = [pytest.mark.browser, pytest.mark.corpus]


def _overview_ready(page: Any) -> None:
    page.locator("body[data-ready=overview]").wait_for()


def test_overview_shows_apple_fiscal_2019_revenue_with_its_change_chart_and_cited_page(
    visitor: Any, dashboard_site: DashboardSite
) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin)
    _overview_ready(page)
    revenue = page.locator('.kpi[data-metric="revenue"]')
    assert revenue.locator(".kpi-year").inner_text() == "Fiscal 2019"
    assert revenue.locator(".kpi-value").inner_text() == "260,174 million USD"
    change = revenue.locator(".change")
    assert change.inner_text() == "▼ down 2.0 % on 2018"  # 265,595 → 260,174
    assert "bad" in (change.get_attribute("class") or "")
    cash = page.locator('.kpi[data-metric="cash"] .change')
    assert "good" in (cash.get_attribute("class") or "")
    assert "up" in cash.inner_text()
    assert page.locator('.kpi[data-metric="gross_margin"] .kpi-value').inner_text() == "37.8 %"
    assert page.locator(".kpi").count() >= 8
    # The chart of revenue and net income is drawn, and its figures are in its table.
    canvas = page.locator("#chart-income canvas")
    assert canvas.evaluate("c => c.width > 100 && c.height > 100")
    assert canvas.evaluate("c => window.Chart.getChart(c).data.datasets[0].data") == [229234, 265595, 260174]
    assert "260,174" in (page.locator("#chart-income table").text_content() or "")
    assert page.locator(".warning").count() == 0  # Apple's statements pass their checks
    executive.shoot("overview")
    # The card's source opens the income statement page, rendered by the server.
    with page.expect_response(re.compile(r"/pages/32\?")) as image:
        revenue.locator(".page-link").first.click()
    assert image.value.status == 200
    assert image.value.headers["content-type"] == "image/png"
    viewer = page.locator("#viewer")
    assert viewer.locator("#viewer-title").inner_text() == "APPLE_2019_10K.pdf, page 32"
    page.locator("#viewer-image").wait_for(state="visible")
    assert page.locator("#viewer-image").evaluate("img => img.complete && img.naturalWidth") == 918
    executive.shoot("overview-cited-page")
    page.keyboard.press("Escape")
    assert not viewer.is_visible()
    assert executive.errors == []


def test_a_figure_from_a_statement_that_failed_its_checks_carries_the_warning(
    visitor: Any, dashboard_site: DashboardSite
) -> None:
    cfo = visitor()
    page = cfo.sign_in(dashboard_site.flagged)
    _overview_ready(page)
    ratio = page.locator('.kpi[data-metric="current_ratio"]')
    assert ratio.locator(".kpi-value").inner_text() == "2.20"  # 6,170 / 2,800
    warning = ratio.locator(".warning")
    assert warning.inner_text().endswith("The statement failed an accounting check: verify on the cited page")
    cfo.shoot("overview-flagged")
    # A spreadsheet has no printed page: its source opens the table with the cited rows marked.
    ratio.locator(".page-link").first.click()
    marked = page.locator("#viewer-tables tr.cited-row")
    marked.first.wait_for()
    assert sorted(marked.all_inner_texts()) == [
        "Total activo corriente\t6.170\t5.285",
        "Total pasivo corriente\t2.800\t2.700",
    ]
    page.keyboard.press("Escape")
    warning.get_by_role("link").click()
    failed = page.locator("#checks tbody tr.failed")
    failed.first.wait_for()
    assert "total assets = total liabilities and equity" in failed.first.inner_text()
    assert "Failed (core: its figures are flagged)" in failed.first.inner_text()
    assert "11,200" in failed.first.inner_text()
    assert "11,900" in failed.first.inner_text()


def test_the_company_selector_switches_the_cards_and_is_remembered(visitor: Any, dashboard_site: DashboardSite) -> None:
    cfo = visitor()
    page = cfo.sign_in(dashboard_site.flagged)
    _overview_ready(page)
    select = page.get_by_label("Company")
    assert select.locator("option").all_inner_texts() == [
        "Comercial Ejemplo S.A. (2023–2024)",
        "Distribuidora Norte S.L. (2023–2024)",
    ]
    ratio = page.locator('.kpi[data-metric="current_ratio"]')
    select.select_option("Distribuidora Norte S.L.")
    page.get_by_text("Distribuidora Norte S.L.: fiscal year 2024").wait_for()
    assert ratio.locator(".kpi-value").inner_text() == "1.55"  # 3,100 / 2,000
    assert ratio.locator(".change").inner_text() == "▼ down 0.45 on 2023"  # 2,600 / 1,300 = 2.00
    assert ratio.locator(".warning").count() == 0
    assert page.locator("#chart-income").is_hidden()  # a balance sheet alone has no revenue to chart
    page.reload()
    _overview_ready(page)
    assert select.input_value() == "Distribuidora Norte S.L."
    assert ratio.locator(".kpi-value").inner_text() == "1.55"


def test_ask_streams_the_answer_and_opens_each_citation_on_its_page(
    visitor: Any, dashboard_site: DashboardSite
) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin, "/ask")
    question = "What was Apple's total net sales in fiscal 2019?"
    page.get_by_label("Question", exact=True).fill(question)
    with page.expect_response(lambda r: r.url.endswith("/api/enterprise/query")) as asked:
        page.get_by_role("button", name="Ask", exact=True).click()
    assert asked.value.headers["content-type"].startswith("text/event-stream")
    page.locator("#citations li").first.wait_for()
    assert "260,174" in page.locator("#answer-text").inner_text()
    assert page.locator("#answer-mode").inner_text().startswith("From the statements")
    inputs = page.locator("#answer-facts table")
    assert "Total net sales" in inputs.inner_text()
    assert "260,174" in inputs.inner_text()
    assert "Formula" in page.locator("#answer-facts .note").inner_text()
    first = page.locator("#citations li").first
    assert first.locator(".page-link").inner_text().startswith("p. 32")
    with page.expect_response(re.compile(r"/documents/[0-9a-f-]+/pages/32\?highlight=")) as image:
        first.locator(".page-link").click()
    assert image.value.status == 200
    page.locator("#viewer-image").wait_for(state="visible")
    executive.shoot("ask-cited-page")
    page.get_by_role("button", name="Close").click()
    # Thumbs up reaches the feedback endpoint; the question is in the recent list.
    page.get_by_role("button", name="Useful", exact=True).click()
    page.get_by_text("Thank you: your rating was saved.").wait_for()
    assert page.get_by_role("button", name="Useful", exact=True).get_attribute("aria-pressed") == "true"
    token = page.evaluate("sessionStorage.getItem('eab-token')")
    mine = httpx.get(
        f"{dashboard_site.base}/api/enterprise/me/queries", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert (mine["items"][0]["question"], mine["items"][0]["feedback"]) == (question, "up")
    page.locator("#recent li").first.filter(has_text=question).wait_for()
    executive.shoot("ask")
    assert executive.errors == []


def test_a_written_answer_streams_in_word_by_word_then_its_sources(visitor: Any, dashboard_site: DashboardSite) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin, "/ask")
    page.get_by_label("Question", exact=True).fill("How does Apple describe the risks of its international operations?")
    page.get_by_role("button", name="Ask", exact=True).click()
    # Part of the answer is on screen while the model is still writing: words, and no sources yet.
    page.wait_for_function(
        """() => {
            const text = document.getElementById('answer-text').textContent;
            return text.split(' ').length >= 3 && !text.includes('[1]') && !document.querySelector('#citations li');
        }"""
    )
    page.locator("#citations li").first.wait_for()
    assert page.locator("#answer-mode").inner_text().startswith("Written answer")
    assert page.locator("#answer-text").inner_text().endswith("[1]")
    chats = [r for r in dashboard_site.model.requests if r["path"].endswith("/chat/completions")]
    assert chats[-1]["body"]["stream"] is True
    executive.shoot("ask-written")


def test_an_uploaded_file_shows_its_progress_until_ready_then_can_be_deleted(
    visitor: Any, dashboard_site: DashboardSite, tmp_path: Any
) -> None:
    analyst = visitor()
    page = analyst.sign_in(dashboard_site.admin, "/documents")
    sheet = tmp_path / "ventas-2024.csv"
    sheet.write_text("Mes;Ventas (€)\nenero;1.200,50\nfebrero;1.350,00\n", encoding="utf-8")
    memo = tmp_path / "board-memo.txt"
    memo.write_text("The board approved the 2025 budget on 3 March.", encoding="utf-8")
    page.locator("#upload-files").set_input_files([str(sheet), str(memo)])
    for name in ("ventas-2024.csv", "board-memo.txt"):
        line = page.locator(".upload-item", has_text=name)
        line.and_(page.locator("[data-status=ready]")).wait_for(timeout=120_000)
        assert line.locator("progress").evaluate("p => p.value") == 100
        assert "Ready" in line.inner_text()
    row = page.locator("#documents tbody tr", has_text="ventas-2024.csv")
    assert "Ready" in row.inner_text()
    # A file dropped on the zone is uploaded the same way.
    page.locator("#drop-zone").evaluate(
        """zone => {
            const files = new DataTransfer();
            files.items.add(new File(["Política de gastos: el límite diario es de 90 euros."], "politica.txt"));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
        }"""
    )
    dropped = page.locator(".upload-item", has_text="politica.txt")
    dropped.and_(page.locator("[data-status=ready]")).wait_for(timeout=120_000)
    # Reindexing goes back through the queue to ready, the row following it.
    token = page.evaluate("sessionStorage.getItem('eab-token')")
    with page.expect_response(re.compile(r"/reindex$")) as reindexed:
        page.get_by_role("button", name="Reindex ventas-2024.csv").click()
    assert (reindexed.value.status, reindexed.value.json()["status"]) == (202, "queued")
    document_id, before = reindexed.value.json()["id"], reindexed.value.json()["ready_at"]

    def processed_again() -> bool:
        now = httpx.get(
            f"{dashboard_site.base}/api/enterprise/documents/{document_id}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        return now["status"] == "ready" and now["ready_at"] != before

    deadline = time.monotonic() + 120
    while not processed_again():
        assert time.monotonic() < deadline, "the reindexed document did not become ready again"
        time.sleep(0.5)
    page.locator("#documents tbody tr", has_text="ventas-2024.csv").locator(".status-ready").wait_for()
    analyst.shoot("documents")
    # Filters narrow the library to the one ready 10-K of 2019.
    page.get_by_label("Fiscal year").fill("2019")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.get_by_text("1 of 1 documents").wait_for()
    page.get_by_role("button", name="Clear").click()
    page.get_by_text("4 of 4 documents").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete board-memo.txt").click()
    page.get_by_text("3 of 3 documents").wait_for()
    assert page.locator("#documents tbody tr", has_text="board-memo.txt").count() == 0
    assert analyst.errors == []


def test_a_refused_upload_says_why(visitor: Any, dashboard_site: DashboardSite, tmp_path: Any) -> None:
    analyst = visitor()
    page = analyst.sign_in(dashboard_site.admin, "/documents")
    fake = tmp_path / "not-really.pdf"
    fake.write_text("this is text, not a PDF")
    page.locator("#upload-files").set_input_files(str(fake))
    line = page.locator(".upload-item", has_text="not-really.pdf")
    line.and_(page.locator("[data-status=refused]")).wait_for()
    assert line.locator(".upload-state").inner_text().startswith("Refused: ")
    assert "pdf" in line.locator(".upload-state").inner_text().lower()


def test_statements_page_lists_every_accounting_check(visitor: Any, dashboard_site: DashboardSite) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin, f"/documents/{dashboard_site.apple_document_id}/statements")
    page.locator("#checks tbody tr").first.wait_for()
    assert page.locator("#page h1").inner_text() == "Financial statements of APPLE_2019_10K.pdf"
    statements = page.locator("#statements tbody").inner_text()
    for name in ("Income statement", "Balance sheet", "Cash flow statement"):
        assert name in statements
    token = page.evaluate("sessionStorage.getItem('eab-token')")
    api = httpx.get(
        f"{dashboard_site.base}/api/enterprise/documents/{dashboard_site.apple_document_id}/statements",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert page.locator("#checks tbody tr").count() == len(api["checks"])
    assert page.locator("#checks tbody tr", has_text="total assets = total liabilities and equity").count() >= 1
    executive.shoot("statements")


def test_switching_to_spanish_shows_spanish_labels_and_numbers_and_is_remembered(
    visitor: Any, dashboard_site: DashboardSite
) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin)
    _overview_ready(page)
    page.get_by_role("link", name="Español").click()
    _overview_ready(page)
    assert page.locator("html").get_attribute("lang") == "es"
    revenue = page.locator('.kpi[data-metric="revenue"]')
    assert revenue.locator("h3").inner_text() == "Ingresos"
    assert revenue.locator(".kpi-value").inner_text() == "260.174 millones de USD"
    assert revenue.locator(".change").inner_text() == "▼ baja 2,0 % frente a 2018"
    assert page.locator('.kpi[data-metric="gross_margin"] .kpi-value').inner_text() == "37,8 %"
    assert page.get_by_role("link", name="Documentos").is_visible()
    executive.shoot("overview-es")
    page.goto(f"{dashboard_site.base}/dashboard/documents")
    page.locator("#documents tbody tr").first.wait_for()
    assert page.locator("#page h1").inner_text() == "Documentos"
    assert "Listo" in page.locator("#documents tbody tr").first.inner_text()
    # A question in Spanish is answered in Spanish, with its figure written the Spanish way.
    page.goto(f"{dashboard_site.base}/dashboard/ask")
    page.locator("body[data-ready=ask]").wait_for()
    page.get_by_label("Pregunta", exact=True).fill(
        "¿Cuáles fueron las ventas netas totales de Apple en el ejercicio 2019?"
    )
    page.get_by_role("button", name="Preguntar", exact=True).click()
    page.locator("#citations li").first.wait_for()
    assert "260.174" in page.locator("#answer-text").inner_text()
    assert page.locator("#answer-mode").inner_text().startswith("De los estados financieros")
    executive.shoot("ask-es")
    page.get_by_role("link", name="English").click()
    assert page.locator("#page h1").inner_text() == "Ask your documents"


def test_the_browser_language_chooses_spanish_for_a_first_visit(visitor: Any, dashboard_site: DashboardSite) -> None:
    page = visitor(locale="es-MX").open("/")
    assert page.locator("#sign-in-title").inner_text() == "Iniciar sesión"
    assert page.get_by_label("Contraseña").is_visible()


def test_a_viewer_sees_no_upload_delete_or_admin(visitor: Any, dashboard_site: DashboardSite) -> None:
    reader = visitor()
    page = reader.sign_in(dashboard_site.viewer, "/documents")
    page.locator("#documents tbody tr").first.wait_for()
    assert not page.locator("#upload").is_visible()
    assert page.get_by_role("button", name=re.compile("^(Delete|Reindex) ")).count() == 0
    assert not page.get_by_role("link", name="Admin").is_visible()
    reader.shoot("documents-viewer")
    page.goto(f"{dashboard_site.base}/dashboard/admin")
    page.get_by_text("Only administrators can open this page.").wait_for()


def test_a_user_of_another_enterprise_sees_none_of_it(visitor: Any, dashboard_site: DashboardSite) -> None:
    stranger = visitor()
    page = stranger.sign_in(dashboard_site.outsider)
    page.get_by_text("No financial statements yet").wait_for()
    assert page.locator(".kpi").count() == 0
    assert "Startup X" in page.locator("#who").inner_text()
    page.goto(f"{dashboard_site.base}/dashboard/documents")
    page.get_by_text("0 of 0 documents").wait_for()
    token = page.evaluate("sessionStorage.getItem('eab-token')")
    stolen = page.request.get(
        f"{dashboard_site.base}/api/enterprise/documents/{dashboard_site.apple_document_id}/pages/32",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert stolen.status == 404
    page.goto(f"{dashboard_site.base}/dashboard/documents/{dashboard_site.apple_document_id}/statements")
    page.locator("#page-error").wait_for()
    assert "not found" in page.locator("#page-error").inner_text()


def test_an_admin_invites_a_user_who_signs_in_through_the_link(visitor: Any, dashboard_site: DashboardSite) -> None:
    admin = visitor()
    page = admin.sign_in(dashboard_site.admin, "/admin")
    page.locator("body[data-ready=admin]").wait_for()
    assert re.search(r"\d of 2,000,000 \(\d+ %\)", page.locator("#usage").inner_text())
    page.get_by_label("Email").fill("new.analyst@apple-dashboard.example")
    page.get_by_label("Role", exact=True).select_option("analyst")
    page.get_by_role("button", name="Invite").click()
    link = page.locator(".invite-link").inner_text()
    assert "/dashboard/invite#" in link
    page.locator("#users tbody tr", has_text="new.analyst@apple-dashboard.example").wait_for()
    assert "Invited" in page.locator("#users tbody tr", has_text="new.analyst").inner_text()
    created = page.locator("#audit tbody tr", has_text="User created").filter(has_text="new.analyst")
    created.wait_for()
    admin.shoot("admin")
    newcomer = visitor()
    welcome = newcomer.page
    welcome.goto(link)
    welcome.locator("#accept-form").wait_for()
    newcomer.shoot("invite")
    welcome.get_by_label("Choose a password").fill("the-newcomers-password")
    welcome.get_by_role("button", name="Set password and sign in").click()
    _overview_ready(welcome)
    assert "new.analyst@apple-dashboard.example" in welcome.locator("#who").inner_text()
    assert "Analyst" in welcome.locator("#who").inner_text()
    # The admin promotes, then disables the newcomer, who is signed out on the next page they open.
    page.reload()
    page.locator("body[data-ready=admin]").wait_for()
    row = page.locator("#users tbody tr", has_text="new.analyst@apple-dashboard.example")
    assert "Active" in row.inner_text()
    page.get_by_label("Role of new.analyst@apple-dashboard.example").select_option("executive")
    page.get_by_text("Saved the changes to new.analyst@apple-dashboard.example.").wait_for()
    page.locator("#audit tbody tr", has_text="Role changed").first.wait_for()
    page.get_by_role("button", name="Disable new.analyst@apple-dashboard.example").click()
    page.locator("#users tbody tr", has_text="new.analyst").filter(has_text="Disabled").wait_for()
    assert page.get_by_label("Role of new.analyst@apple-dashboard.example").input_value() == "executive"
    page.locator("#audit tbody tr", has_text="User disabled").first.wait_for()
    welcome.goto(f"{dashboard_site.base}/dashboard/documents")
    welcome.locator("#sign-in-form").wait_for()


def test_keyboard_alone_signs_in_and_reaches_a_cited_page(visitor: Any, dashboard_site: DashboardSite) -> None:
    person = visitor()
    page = person.open("/")
    page.locator("#sign-in-email").wait_for()
    assert page.evaluate("document.activeElement.id") == "sign-in-email"  # the form takes the focus
    person.shoot("sign-in")
    page.keyboard.type(dashboard_site.admin.email)
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-password-for-the-dashboard")
    page.keyboard.press("Enter")
    _overview_ready(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('page-link')"):
            break
    else:
        pytest.fail("no cited page is reachable with Tab")
    page.keyboard.press("Enter")
    page.locator("#viewer-image").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "viewer-close"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.classList.contains('page-link')")  # focus returns


PAGES = ["/", "/ask", "/documents", "/analytics", "/reports", "/admin"]
# The elements that stick out of the viewport, outside the tables that scroll on their own.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-wrap'))
  .slice(0, 5).map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_no_serious_accessibility_violations_and_nothing_wider_than_the_screen(
    visitor: Any, dashboard_site: DashboardSite, width: int
) -> None:
    # axe-core is injected into the page, which the page's own policy forbids: this context only.
    auditor = visitor(width=width, bypass_csp=True)
    page = auditor.sign_in(dashboard_site.admin)
    paths = [*PAGES, f"/documents/{dashboard_site.apple_document_id}/statements"]
    for path in paths:
        page.goto(f"{dashboard_site.base}/dashboard{path}")
        page.locator("body[data-ready]").wait_for()
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in found["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert serious == [], (path, width, json.dumps(serious))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, width, overflow, page.evaluate(WIDER_THAN_THE_SCREEN))


def test_analytics_show_usage_content_and_kpis_and_download_each_table(
    visitor: Any, dashboard_site: DashboardSite
) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin, "/analytics")
    kpis = page.locator("#kpis-tables table").first
    revenue = kpis.get_by_role("row", name=re.compile(r"^Apple Inc\. 2019 Revenue "))
    assert "260,174 million USD" in revenue.inner_text()
    assert "-2.0 %" in revenue.inner_text()  # 265,595 → 260,174
    assert revenue.get_by_role("link", name="APPLE_2019_10K.pdf, p. 32").get_attribute("href") == (
        f"/dashboard/documents/{dashboard_site.apple_document_id}/statements"
    )
    token = page.evaluate("sessionStorage.getItem('eab-token')")
    library = httpx.get(
        f"{dashboard_site.base}/api/enterprise/documents", headers={"Authorization": f"Bearer {token}"}
    ).json()
    tiles = page.locator("#content-summary")
    shown = tiles.locator("dt", has_text="Documents").locator("xpath=following-sibling::dd[1]").inner_text()
    assert shown == str(library["total"])  # as many as the library lists (other tests add some)
    assert "Computed" in page.locator("#kpis-computed").inner_text()
    assert page.locator("#usage-summary dd").count() == 7
    executive.shoot("analytics")
    with page.expect_download() as saved:
        page.get_by_role("button", name="Download KPIs by company and fiscal year as CSV").click()
    content = Path(saved.value.path()).read_text(encoding="utf-8")
    assert saved.value.suggested_filename == "kpis-kpis.csv"
    assert "260174.0" in content
    assert "Revenue" in content
    with page.expect_download() as workbook:
        page.locator("#content-xlsx").click()
    assert Path(workbook.value.path()).read_bytes()[:2] == b"PK"  # an XLSX is a zip
    assert executive.errors == []


def test_a_report_asked_for_shows_its_progress_then_opens_and_downloads(
    visitor: Any, dashboard_site: DashboardSite
) -> None:
    executive = visitor()
    page = executive.sign_in(dashboard_site.admin, "/reports")
    page.locator("#report-days").select_option("30")
    page.get_by_role("button", name="Generate").click()
    page.get_by_text("Report asked for").wait_for()
    done = page.locator('#reports tbody tr[data-status="done"]').first
    done.wait_for(timeout=60_000)
    assert "Executive report: Apple Dashboard" in done.inner_text()
    executive.shoot("reports")
    with page.expect_download() as saved:
        done.get_by_role("button", name=re.compile("^Download .* as PDF$")).click()
    assert Path(saved.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.context.expect_page() as opened:
        done.get_by_role("button", name=re.compile("^Open ")).click()
    report = opened.value
    report.wait_for_load_state()
    report.get_by_text("Key figures").wait_for()
    assert "260,174 USD millions" in report.locator("body").inner_text()
    report.close()
    # The schedule, as an admin sets it.
    page.locator("#schedule-timezone").fill("Europe/Madrid")
    page.locator("#schedule-recipients").fill("board@apple-dashboard.example")
    page.get_by_role("button", name="Save schedule").click()
    page.get_by_text("Schedule saved.").wait_for()
    assert "switched off for this service" in page.locator("#schedule-summary").inner_text()
    assert executive.errors == []


def test_a_viewer_sees_no_analytics_or_reports(visitor: Any, dashboard_site: DashboardSite) -> None:
    reader = visitor()
    page = reader.sign_in(dashboard_site.viewer)
    assert not page.get_by_role("link", name="Analytics").is_visible()
    assert not page.get_by_role("link", name="Reports").is_visible()
    for path in ("/analytics", "/reports"):
        page.goto(f"{dashboard_site.base}/dashboard{path}")
        page.get_by_text("Only executives and administrators can open this page.").wait_for()


def test_an_admin_makes_an_api_key_that_works_until_revoked(visitor: Any, dashboard_site: DashboardSite) -> None:
    admin = visitor()
    page = admin.sign_in(dashboard_site.admin, "/admin")
    page.locator("#key-name").fill("ERP nightly upload")
    page.locator("#key-role").select_option("viewer")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-key").inner_text()
    assert key.startswith("eab_")
    row = page.locator("#keys tbody tr", has_text="ERP nightly upload")
    assert "Viewer" in row.inner_text()
    assert key not in row.inner_text()  # only its first characters are listed
    documents = f"{dashboard_site.base}/api/enterprise/documents"
    assert httpx.get(documents, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    admin.shoot("admin-keys")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke the key ERP nightly upload").click()
    page.locator("#keys tbody tr", has_text="Revoked").wait_for()
    assert httpx.get(documents, headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert admin.errors == []


def test_an_admin_connects_a_drive_and_adds_a_webhook(
    visitor: Any, dashboard_site: DashboardSite, drive: FakeDrive
) -> None:
    slug = f"drive-dash-{uuid.uuid4().hex[:6]}"
    account = Account(f"admin@{slug}.example", "admin")
    _brain(
        dashboard_site.env, "enterprise", "create", slug, "--admin-email", account.email, "--admin-password", PASSWORD
    )
    drive.account = slug
    drive.add("handbook.txt", b"New joiners get a laptop and a mentor in their first week.", account=slug)
    drive.add("prices.csv", b"product,price\nBasic,10\nPro,25\n", account=slug)

    admin = visitor()
    page = admin.sign_in(account, "/admin")
    page.locator("#connector-name").fill("Company Drive")
    page.get_by_role("button", name="Connect").click()
    # The browser goes to the source's consent page, which sends it back to the dashboard.
    page.wait_for_url(re.compile(r".*/dashboard/admin\?connector=.*authorized=1"))
    page.locator("body[data-ready]").wait_for()
    page.get_by_text("Access granted: the first sync has started.").wait_for()
    row = page.locator("#connectors tbody tr", has_text="Company Drive")
    row.get_by_text("2 added").wait_for(timeout=60_000)  # the row follows the run until it ends
    assert "Active" in row.inner_text()
    assert "Google Drive" in row.inner_text()
    admin.shoot("admin-connectors")

    with webhook_receiver() as receiver:
        page.locator("#webhook-url").fill(receiver.url)
        page.get_by_role("button", name="Add webhook").click()
        secret = page.locator("#new-webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        hook = page.locator("#webhooks tbody tr", has_text=receiver.url)
        hook.get_by_role("button", name=f"Send a test event to {receiver.url}").click()
        ping = receiver.wait_for(1)[0]
        assert Webhook(secret).verify(ping.body, ping.headers)["type"] == "ping"
        hook.get_by_text("ping: delivered").wait_for(timeout=20_000)
        admin.shoot("admin-webhooks")

    page.once("dialog", lambda dialog: dialog.accept())  # remove the connector…
    page.once("dialog", lambda dialog: dialog.dismiss())  # …and keep its documents
    row.get_by_role("button", name="Remove Company Drive").click()
    page.get_by_text("Company Drive removed (0 documents removed with it).").wait_for()
    token = httpx.post(
        f"{dashboard_site.base}/api/enterprise/auth/token", data={"username": account.email, "password": PASSWORD}
    ).json()["access_token"]
    kept = httpx.get(f"{dashboard_site.base}/api/enterprise/documents", headers={"Authorization": f"Bearer {token}"})
    assert sorted(d["filename"] for d in kept.json()["items"]) == ["handbook.txt", "prices.csv"]
    assert admin.errors == []
