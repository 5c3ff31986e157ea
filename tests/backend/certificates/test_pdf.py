"""The printed certificate renders its Chinese everywhere: its one font is embedded (subset),
poppler draws real glyphs (not the identical boxes of a missing font), and the text extracts."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from yilian.certificates.model import Certificate, ChainReference, Issuer, ServiceRecord, VolunteerIdentity, sign
from yilian.certificates.pdf import render_pdf
from yilian.chain.eip712 import uid
from yilian.chain.localchain import dev_address, dev_private_key
from yilian.stats.period import day_of

CHECK_IN = 1_780_000_000


def signed_certificate(real_name: str):  # type: ignore[no-untyped-def]
    volunteer = dev_address(10)
    service = ServiceRecord(
        uid="0x" + uid(volunteer, 7, 0).hex(), activity_id=7, activity_name="西溪湿地清洁", session=0,
        date=day_of(CHECK_IN), check_in=CHECK_IN, check_out=CHECK_IN + 5400, minutes=90, block=12,
    )  # fmt: skip
    certificate = Certificate(
        number="YL-20260528-0001-0A1B2C3D4E", issued_at=CHECK_IN + 86_400, issued_on=date(2026, 5, 29),
        period_from=date(2026, 5, 1), period_to=date(2026, 5, 31),
        issuer=Issuer(organisation_id=1, organisation_name="西湖区青年志愿者协会", address=dev_address(0)),
        volunteer=VolunteerIdentity(real_name=real_name, id_number_masked="330106********1234", address=volunteer),
        services=[service], total_sessions=1, total_minutes=90, total_hours="1.50",
        chain=ChainReference(chain_id=1337, ledger=dev_address(5)),
    )  # fmt: skip
    return sign(certificate, dev_private_key(0))


@pytest.fixture(scope="module")
def poppler() -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed (make install installs it)")


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "font" not in done.stderr.lower(), done.stderr  # poppler complains of missing fonts here
    return done.stdout


def _raster(pdf: Path) -> bytes:
    """Page 1 as 8-bit grey pixels at 60 dpi (PGM body)."""
    pgm = subprocess.run(["pdftoppm", "-gray", "-r", "60", "-f", "1", "-l", "1", str(pdf)], capture_output=True,
                         check=True).stdout  # fmt: skip
    width, height = map(int, pgm.split(b"\n")[1].split())
    return pgm[-width * height :]


def test_every_font_is_embedded_as_a_subset(tmp_path: Path, poppler: None) -> None:
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(render_pdf(signed_certificate("张三"), "https://yilian.example.gov.cn"))

    rows = _run("pdffonts", str(pdf)).splitlines()[2:]

    assert rows, "no fonts listed"
    for row in rows:
        name, *_, emb, sub, _uni, _obj, _gen = row.split()
        assert (emb, sub) == ("yes", "yes"), row
        assert "WenQuanYi" in name
    assert pdf.stat().st_size < 150_000  # a subset, not the 5 MB font


def test_the_chinese_text_extracts_and_draws_distinct_glyphs(tmp_path: Path, poppler: None) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    first.write_bytes(render_pdf(signed_certificate("张三"), "https://yilian.example.gov.cn"))
    second.write_bytes(render_pdf(signed_certificate("李四"), "https://yilian.example.gov.cn"))

    text = _run("pdftotext", "-layout", str(first), "-")
    a, b = _raster(first), _raster(second)

    for words in ("志愿服务证明", "张三", "330106********1234", "西湖区青年志愿者协会", "累计服务时长", "证明编号",
                  "YL-20260528-0001-0A1B2C3D4E", "出具日期", "2026-05-29", "西溪湿地清洁"):  # fmt: skip
        assert words in text, words
    assert "https://yilian.example.gov.cn/certificates/YL-20260528-0001-0A1B2C3D4E?hash=0x" in text.replace("\n", "")
    # A missing font draws every character as the same box: two names of equal length would
    # then rasterise identically. Drawn glyphs differ, and the pages have ink.
    assert a != b
    assert sum(pixel < 128 for pixel in a) > 2_000
