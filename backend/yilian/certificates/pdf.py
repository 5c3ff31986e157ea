"""The printable certificate: A4, the fields of a national volunteer service certificate
(志愿服务证明: the volunteer's identity, the service, the issuer, the number and the date of
issue), the session list, and a QR code leading to the public verification page.

Its one font is embedded, so it prints and displays alike everywhere (poppler, phones, print
shops): WenQuanYi Micro Hei (Debian's fonts-wqy-microhei; Apache 2.0, embedding allowed), Chinese
and Latin, subset by reportlab to the glyphs the certificate uses (tens of kB, not the font's
5 MB). A standard PDF font (Helvetica, STSong-Light) would only be referenced, and readers
without it draw empty boxes.

The PDF is a rendering: what is verified is the signed JSON. The QR code leads a reader there.
"""

from __future__ import annotations

import io
from functools import cache

import qrcode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yilian.certificates.fonts import cjk_font_path
from yilian.certificates.link import verification_link
from yilian.certificates.model import TITLE, Certificate, SignedCertificate, hours_text
from yilian.stats.period import moment

FONT = "WenQuanYiMicroHei"
_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=24, leading=32, alignment=TA_CENTER)
_CENTRED = ParagraphStyle("centred", fontName=FONT, fontSize=10.5, leading=16, alignment=TA_CENTER)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=20, firstLineIndent=23, wordWrap="CJK")
_PLAIN = ParagraphStyle("plain", fontName=FONT, fontSize=10.5, leading=17)
_SMALL = ParagraphStyle("small", fontName=FONT, fontSize=6.5, leading=9, wordWrap="CJK")
_GRID = [("FONT", (0, 0), (-1, -1), FONT, 9.5), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
         ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]  # fmt: skip


@cache
def _register_font() -> None:
    """On first use, not on import: the CLI's other commands work without the font."""
    pdfmetrics.registerFont(TTFont(FONT, cjk_font_path(), subfontIndex=0))


class _QrCode(Flowable):
    """The QR code as vector squares: sharp at any print size, no image, and (unlike a reportlab
    Drawing, which sets Helvetica) no font."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(text)
        code.make(fit=True)
        self.matrix, self.size = code.get_matrix(), size

    def wrap(self, *_: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        cell = self.size / len(self.matrix)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    self.canv.rect(x * cell, self.size - (y + 1) * cell, cell, cell, stroke=0, fill=1)


def _short(uid: str) -> str:
    return f"{uid[:10]}…{uid[-6:]}"


def _fields(cert: Certificate) -> Table:
    """The national certificate's fields, one per row: identity, service, issuer, number, date."""
    period = f"{cert.period_from.isoformat()} 至 {cert.period_to.isoformat()}"
    rows = [
        ["志愿者姓名", cert.volunteer.real_name, "公民身份号码", cert.volunteer.id_number_masked],
        ["服务期间", period, "服务次数", f"{cert.total_sessions} 次"],
        ["累计服务时长", f"{cert.total_hours} 小时（{cert.total_minutes} 分钟）", "", ""],
        ["出具单位", Paragraph(cert.issuer.organisation_name, _PLAIN), "", ""],
        ["证明编号", cert.number, "出具日期", cert.issued_on.isoformat()],
    ]  # fmt: skip
    table = Table(rows, colWidths=[26 * mm, 64 * mm, 26 * mm, 54 * mm])
    table.setStyle(TableStyle([*_GRID, ("FONT", (0, 0), (-1, -1), FONT, 10.5),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                               ("BACKGROUND", (2, 0), (2, 1), colors.whitesmoke),
                               ("BACKGROUND", (2, 4), (2, 4), colors.whitesmoke),
                               ("SPAN", (1, 2), (3, 2)), ("SPAN", (1, 3), (3, 3))]))  # fmt: skip
    return table


def _sessions(cert: Certificate) -> Table:
    rows = [["日期", "活动", "签到", "签退", "小时", "链上记录 uid"]] + [
        [s.date.isoformat(), Paragraph(s.activity_name, _PLAIN), moment(s.check_in)[-5:],
         moment(s.check_out)[-5:], hours_text(s.minutes), Paragraph(_short(s.uid), _SMALL)]
        for s in cert.services
    ]  # fmt: skip
    table = Table(rows, colWidths=[26 * mm, 48 * mm, 16 * mm, 16 * mm, 16 * mm, 48 * mm], repeatRows=1)
    table.setStyle(TableStyle([*_GRID, ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("ALIGN", (4, 1), (4, -1), "RIGHT")]))  # fmt: skip
    return table


def _proof(signed: SignedCertificate, link: str) -> Table:
    cert = signed.certificate
    notes = [
        Paragraph("扫描二维码或访问下列地址，即可核验本证明在区块链上的记录与出具单位签名：", _PLAIN),
        Paragraph(link, _SMALL), Spacer(1, 2 * mm),
        Paragraph(f"certificate hash (keccak256): {signed.hash}", _SMALL),
        Paragraph(f"issuer signature (EIP-191): {signed.signature}", _SMALL),
        Paragraph(f"issuer key: {cert.issuer.address} · chain {cert.chain.chain_id} · "
                  f"ledger {cert.chain.ledger}", _SMALL),
    ]  # fmt: skip
    proof = Table([[_QrCode(link, 34 * mm), notes]], colWidths=[38 * mm, 132 * mm])
    proof.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), FONT)]))
    return proof


def _story(signed: SignedCertificate, link: str) -> list[Flowable]:
    cert = signed.certificate
    return [
        Paragraph(TITLE, _TITLE), Paragraph("Volunteer Service Certificate", _CENTRED), Spacer(1, 6 * mm),
        Paragraph(
            f"兹证明 {cert.volunteer.real_name} 于 {cert.period_from.isoformat()} 至 {cert.period_to.isoformat()} "
            f"期间参加{cert.issuer.organisation_name}组织的志愿服务活动 {cert.total_sessions} 次，累计服务时长 "
            f"{cert.total_hours} 小时（不含往返时间）。",
            _BODY,
        ),
        Spacer(1, 4 * mm), _fields(cert), Spacer(1, 5 * mm),
        Paragraph("服务记录", _PLAIN), _sessions(cert), Spacer(1, 8 * mm),
        Paragraph(f"出具单位（签章）：{cert.issuer.organisation_name}　　"
                  f"出具日期：{cert.issued_on.isoformat()}", _PLAIN),
        Spacer(1, 8 * mm), _proof(signed, link),
    ]  # fmt: skip


def render_pdf(signed: SignedCertificate, public_base_url: str) -> bytes:
    """The PDF; its QR code opens the verification page under `public_base_url`."""
    _register_font()
    cert = signed.certificate
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{TITLE} {cert.number}", subject=signed.hash,
        author=cert.issuer.organisation_name, initialFontName=FONT,
    )  # fmt: skip
    document.build(_story(signed, verification_link(public_base_url, cert.number, signed.hash)))
    return buffer.getvalue()
