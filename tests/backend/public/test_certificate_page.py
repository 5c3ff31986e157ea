"""The public verification page a certificate's QR code opens: no API key, the verdict against
the chain now, reasons in Chinese, nothing personal beyond the paper, rate-limited."""

import json
import re
from urllib.parse import urlsplit

from sqlalchemy import update

from tests.backend.audit.journey import AUDITOR, Journey
from tests.backend.certificates.test_certificates import issue
from yilian.certificates.link import verification_link
from yilian.public.certificate_check import masked_name
from yilian.public.ratelimit import RateLimiter
from yilian.relay.db.models import IssuedCertificate
from yilian.relay.db.session import transaction


def qr_path(signed: dict) -> str:
    """What the QR code carries, minus the host."""
    url = verification_link("https://yilian.example.gov.cn", signed["certificate"]["number"], signed["hash"])
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_qr_code_opens_a_valid_verdict_with_masked_identity(journey: Journey) -> None:
    signed = issue(journey).json()
    cert = signed["certificate"]

    page = journey.relay.client.get(qr_path(signed))  # no API key
    data = journey.relay.client.get(qr_path(signed) + "&format=json").json()

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "有效：本证明与区块链上的服务记录一致" in page.text
    assert data["valid"] is True and data["reasons"] == []
    assert (data["issuer"], data["total_sessions"], data["total_hours"]) == ("西湖区青年志愿者协会", 2, "2.16")
    assert cert["volunteer"]["real_name"] == "张三" and data["volunteer"] == "张*"
    assert "张三" not in page.text and cert["volunteer"]["address"] not in page.text
    assert cert["volunteer"]["address"].lower() not in str(data).lower()
    assert [s["hours"] for s in data["sessions"]] == ["1.50", "0.66"]
    accept = journey.relay.client.get(qr_path(signed), headers={"Accept": "application/json"})
    assert accept.json() == data


def test_early_qr_codes_still_answer(journey: Journey) -> None:
    signed = issue(journey).json()
    number = signed["certificate"]["number"]

    response = journey.relay.client.get(f"/v1/certificates/verify?number={number}&hash={signed['hash']}&format=json")

    assert response.status_code == 200 and response.json()["valid"] is True


def test_a_tampered_qr_hash_is_refused_without_showing_the_certificate(journey: Journey) -> None:
    signed = issue(journey).json()
    forged = {**signed, "hash": signed["hash"][:-4] + ("0000" if not signed["hash"].endswith("0000") else "1111")}

    data = journey.relay.client.get(qr_path(forged) + "&format=json").json()

    assert data["valid"] is False
    assert "二维码中的证明哈希与本平台以该编号出具的证明不符" in data["reasons"][0]
    assert data["volunteer"] is None and data["sessions"] == [] and data["issuer"] is None


def test_a_certificate_changed_in_the_relays_database_is_invalid(journey: Journey) -> None:
    signed = issue(journey).json()
    stored = signed["certificate"]
    stored["services"][0]["minutes"] += 60
    stored["total_minutes"] += 60
    stored["total_hours"] = "3.16"
    with transaction(journey.relay.sessions) as db:
        db.execute(update(IssuedCertificate).where(IssuedCertificate.number == stored["number"])
                   .values(document=json.dumps(signed, ensure_ascii=False)))  # fmt: skip

    data = journey.relay.client.get(qr_path(signed) + "&format=json").json()

    assert data["valid"] is False
    assert data["reasons"][0] == "证明内容与出具时的哈希不符：证明在出具后被改动。"
    assert any("the chain has 90" in detail for detail in data["details"])


def test_a_later_revocation_is_shown_with_its_reason(journey: Journey) -> None:
    signed = issue(journey).json()
    revoked = signed["certificate"]["services"][1]
    ledger = journey.contract("HourLedger")
    journey.send(AUDITOR, ledger.functions.revoke(
        signed["certificate"]["volunteer"]["address"], revoked["activity_id"], revoked["session"], "重复签到"
    ))  # fmt: skip

    page = journey.relay.client.get(qr_path(signed))
    data = journey.relay.client.get(qr_path(signed) + "&format=json").json()

    assert data["valid"] is False
    assert len(data["reasons"]) == 1
    assert re.search(r"第 2 条服务记录（.*）已于 .*被审核撤销，原因：重复签到", data["reasons"][0])
    assert data["sessions"][1]["revocation"]["reason"] == "重复签到"
    assert data["sessions"][0]["revocation"] is None
    assert "无效：本证明未通过核验" in page.text and "已撤销" in page.text


def test_an_unknown_number_is_404_in_html_and_json(journey: Journey) -> None:
    path = "/certificates/YL-20260101-0001-0000000000?hash=0x" + "ab" * 32

    page = journey.relay.client.get(path)
    data = journey.relay.client.get(path + "&format=json")

    assert page.status_code == 404 and "未找到该证明" in page.text
    assert data.status_code == 404 and data.json()["code"] == "certificate_not_found"


def test_a_malformed_hash_is_422(journey: Journey) -> None:
    response = journey.relay.client.get("/certificates/YL-1?hash=nothex&format=json")

    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_each_client_is_rate_limited_with_retry_after(journey: Journey) -> None:
    signed = issue(journey).json()
    journey.relay.client.app.state.public_limiter = RateLimiter(2)

    answers = [journey.relay.client.get(qr_path(signed) + "&format=json") for _ in range(3)]
    page = journey.relay.client.get(qr_path(signed))

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
    assert page.status_code == 429 and "请求过于频繁" in page.text and page.headers["Retry-After"]


def test_names_are_masked_to_first_and_last_character() -> None:
    assert [masked_name(name) for name in ("张", "张三", "王小明", "欧阳娜娜")] == ["张", "张*", "王*明", "欧**娜"]
