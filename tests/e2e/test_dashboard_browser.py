"""An operator opens the dashboard in a browser: headless Chromium (Debian's, driven by Playwright)
on the real server with mutual TLS. With the operator's certificate the page renders the counts of
the ops API, without a single console error (a CSP violation would be one); without a certificate
the browser gets the 401, not the dashboard.

Who checks the hub's certificate: a context with client certificates goes through Playwright's
own TLS proxy (Node), which presents the certificate and verifies the hub against the local CA
(``NODE_EXTRA_CA_CERTS``); the browser itself trusts exactly the hub's key
(``--ignore-certificate-errors-spki-list``), for the context without a certificate.
``ignore_https_errors`` stays off.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright, expect

from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import Pki, make_pki
from tests.support.processes import console_script, start_process
from tests.support.stack import hub_client, running_hub

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
AGENCY = "belastingdienst"


@pytest.fixture(scope="module")
def hub(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Pki]]:
    root = tmp_path_factory.mktemp("dashboard-browser")
    pki = make_pki(root / "pki")
    keygen = start_process(  # the agency's public key in the hub's keys: it is connected
        "keygen",
        [
            console_script("maatwerk-connector"),
            "keygen",
            "--agency",
            AGENCY,
            "--keys-dir",
            str(root / "keys"),
        ],
        log_dir=root / "logs",
    )
    assert keygen.popen.wait(30) == 0, keygen.output()
    with running_hub(kafka_bootstrap, root, pki) as (url, _process):
        yield url, pki


def spki_sha256(cert_path: str) -> str:
    """base64(sha256(SubjectPublicKeyInfo)): how Chromium's command line names a key it trusts."""
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@pytest.fixture(scope="module")
async def browser(hub, chromium_executable: str) -> AsyncIterator[Browser]:
    _, pki = hub
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NODE_EXTRA_CA_CERTS", str(pki.ca))  # read once, when the driver starts
        playwright = await async_playwright().start()
    try:
        browser = await playwright.chromium.launch(
            executable_path=chromium_executable,
            headless=True,
            args=[f"--ignore-certificate-errors-spki-list={spki_sha256(pki.cert('hub')[0])}"],
        )
        try:
            yield browser
        finally:
            await browser.close()
    finally:
        await playwright.stop()


def problems_of(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions of the page."""
    seen: list[str] = []

    def console(message: ConsoleMessage) -> None:
        source = message.location.get("url", "")
        if message.type == "error":
            seen.append(f"console: {message.text} ({source})")

    page.on("console", console)
    page.on("pageerror", lambda error: seen.append(f"exception: {error}"))
    return seen


async def test_the_operator_sees_the_counts_of_the_ops_api(hub, browser: Browser):
    url, pki = hub
    async with hub_client(url, pki, "loket", timeout=10) as loket:
        casus = await loket.post("/api/v1/casussen", json=casus_body("999990019"))
        assert casus.status_code == 201, casus.text
        casus_id = casus.json()["casus_id"]
        order = await loket.post(
            f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body(AGENCY)
        )
        assert order.status_code == 201, order.text  # no connector runs: it stays pending

    cert, key = pki.cert("beheer")
    context = await browser.new_context(
        client_certificates=[{"origin": url, "certPath": cert, "keyPath": key}],
        ignore_https_errors=False,
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        problems = problems_of(page)
        polled: list[int] = []
        page.on(
            "response", lambda r: polled.append(r.status) if "/ops/overzicht" in r.url else None
        )
        response = await page.goto(f"{url}/dashboard")
        assert response is not None and response.status == 200
        try:
            await expect(page.locator("#bijgewerkt")).to_contain_text("live", timeout=TIMEOUT_MS)
            running = page.locator(".tegel", has_text="Time-outs lopend").locator(".getal")
            await expect(running).to_have_text("1")
            waiting = page.locator(".tegel", has_text="Verzoeken in afwachting")
            await expect(waiting.locator(".getal")).to_have_text("1")
            await expect(page.locator("#uitvoerders tr", has_text=AGENCY)).to_have_count(1)
            # Consumer lag, from /metrics: every connector's group is measured.
            lag = page.locator("#lag tr", has_text=f"connector-{AGENCY}")
            await expect(lag).to_have_count(1, timeout=30_000)
            ordered = page.locator("#audit tr", has_text=casus_id).filter(
                has_text="Time-out opgedragen"
            )
            await expect(ordered).to_have_count(1)
            await page.wait_for_timeout(2500)  # one more poll: still fine, still no errors
            await expect(page.locator("#melding")).to_be_hidden()
        except AssertionError as failed:  # what the page said is the likeliest why
            raise AssertionError(f"{failed}\npage problems: {problems}") from None
        assert len(polled) >= 2 and set(polled) == {200}, polled
        assert problems == []
    finally:
        await context.close()


async def test_the_operator_sees_the_let_knelpunten_as_a_chart(hub, browser: Browser):
    url, pki = hub
    async with (
        hub_client(url, pki, "loket", timeout=10) as loket,
        hub_client(url, pki, "let", timeout=10) as let,
    ):
        casus_id = (await loket.post("/api/v1/casussen", json=casus_body("999990019"))).json()[
            "casus_id"
        ]
        for stap, body in (("acceptatie", None), ("behandeling", {"behandelteam": "Team A"})):
            assert (await loket.post(f"/api/v1/casussen/{casus_id}/{stap}", json=body)).is_success
        escalatie = await loket.post(
            f"/api/v1/casussen/{casus_id}/escalaties",
            json={"reden": "Vast", "samenvatting": "Schulden", "vraag": "Wie beslist?"},
        )
        assert escalatie.status_code == 201, escalatie.text
        knelpunt = await let.post(
            f"/api/v1/escalaties/{escalatie.json()['escalatie_id']}/knelpunten",
            json={
                "categorie": "wetgeving",
                "regel": {"regeling": "Invorderingswet 1990"},
                "omschrijving": "Geen ruimte om af te wijken",
            },
        )
        assert knelpunt.status_code == 201, knelpunt.text

    cert, key = pki.cert("beheer")
    context = await browser.new_context(
        client_certificates=[{"origin": url, "certPath": cert, "keyPath": key}]
    )
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        problems = problems_of(page)
        await page.goto(f"{url}/dashboard")
        try:
            totaal = page.locator("#let-tegels .tegel", has_text="Knelpunten").locator(".getal")
            await expect(totaal).to_have_text("1")
            # the chart: an SVG bar per category, the one with a knelpunt drawn (not the 0-line)
            await expect(page.locator("#knelpunten-categorie rect.balk:not(.nul)")).to_have_count(1)
            await expect(page.locator("#knelpunten-categorie title").first).to_have_text(
                "wetgeving: 1"
            )
            await expect(page.locator("#knelpunten-maand rect.balk:not(.nul)")).to_have_count(1)
            await expect(page.locator("#knelpunten-regeling tr")).to_contain_text(
                "Invorderingswet 1990"
            )
        except AssertionError as failed:
            raise AssertionError(f"{failed}\npage problems: {problems}") from None
        assert problems == []
    finally:
        await context.close()


async def test_without_a_certificate_the_browser_gets_the_401(hub, browser: Browser):
    url, _ = hub
    context = await browser.new_context(ignore_https_errors=False)
    try:
        page = await context.new_page()
        response = await page.goto(f"{url}/dashboard", timeout=TIMEOUT_MS)
        assert response is not None and response.status == 401
        assert response.headers["www-authenticate"].startswith("Mutual-TLS")
        await expect(page.locator("body")).to_contain_text("a client certificate is required")
        assert await page.locator("#tegels").count() == 0
    finally:
        await context.close()
