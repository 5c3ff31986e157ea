"""The public pages in a real browser, as a person sees them: a valid, a tampered and a revoked
certificate from their QR links, and the statistics page. Screenshots go to reports/screenshots/."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.backend.audit.journey import AUDITOR, Journey
from tests.backend.certificates.test_certificates import issue
from tests.backend.public.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, require_chromium, served
from yilian.certificates.link import verification_link
from yilian.relay.db.migrate import upgrade


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The browser sees HTML, the same on either database: SQLite only, to keep the suite short."""
    url = f"sqlite:///{tmp_path / 'relay.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: Browser, url: str, screenshot: str) -> Page:
    page = browser.new_page(viewport={"width": 900, "height": 900}, locale="zh-CN")
    response = page.goto(url)
    assert response is not None and response.ok, url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / screenshot, full_page=True)
    return page


def test_a_person_sees_the_verdicts_and_the_statistics(journey: Journey, browser: Browser) -> None:
    signed = issue(journey).json()
    with served(journey.relay.client.app) as base:
        link = verification_link(base, signed["certificate"]["number"], signed["hash"])
        valid = _open(browser, link, "certificate-valid.png")
        assert valid.locator("#verdict").inner_text().startswith("✔ 有效")
        assert valid.locator("#issuer").inner_text() == "西湖区青年志愿者协会"
        assert valid.locator("#volunteer").inner_text() == "张*"
        assert valid.locator("#hours").inner_text() == "2.16 小时"
        assert "张三" not in valid.content()

        tampered = _open(browser, link[:-4] + "0000", "certificate-tampered.png")
        assert tampered.locator("#verdict").inner_text().startswith("✘ 无效")
        assert "二维码中的证明哈希" in tampered.locator("#reasons").inner_text()
        assert tampered.locator("#volunteer").count() == 0

        revoked = signed["certificate"]["services"][1]
        journey.send(AUDITOR, journey.contract("HourLedger").functions.revoke(
            signed["certificate"]["volunteer"]["address"], revoked["activity_id"], revoked["session"], "重复签到"
        ))  # fmt: skip
        after = _open(browser, link, "certificate-revoked.png")
        assert after.locator("#verdict").inner_text().startswith("✘ 无效")
        assert "被审核撤销，原因：重复签到" in after.locator("#reasons").inner_text()
        assert after.locator("tr.revoked").count() == 1

        stats = _open(browser, f"{base}/stats", "statistics.png")
        assert stats.locator("h1").inner_text() == "志愿服务统计"
        assert stats.locator("#figure-registered_volunteers .value").inner_text() == "3"
        for chart in ("#chart-month", "#chart-category", "#chart-organisation"):
            assert stats.locator(f"{chart} rect").count() >= 1
        assert "西湖区妇联巾帼志愿队" in stats.locator("#chart-organisation").text_content()
