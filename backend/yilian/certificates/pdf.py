"""The printable certificate: A4, Chinese text in a CID font every PDF reader has (STSong-Light,
so nothing is embedded), a QR code with the verification link, number and hash.

The PDF is a rendering: what is verified is the signed JSON. The QR code leads a reader there.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import qrcode
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yilian.certificates.model import TITLE, SignedCertificate, hours_text
from yilian.stats.period import moment

CJK = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK))
_TITLE = ParagraphStyle("title", fontName=CJK, fontSize=24, leading=32, alignment=TA_CENTER)
_SUBTITLE = ParagraphStyle("subtitle", fontName="Helvetica", fontSize=11, leading=16, alignment=TA_CENTER)
_BODY = ParagraphStyle("body", fontName=CJK, fontSize=11.5, leading=20, firstLineIndent=23)
_PLAIN = ParagraphStyle("plain", fontName=CJK, fontSize=10.5, leading=17)
# Numbers, addresses and hashes in a standard Latin font: they stay searchable text in the PDF.
_LATIN = ParagraphStyle("latin", fontName="Helvetica", fontSize=10, leading=14, alignment=TA_CENTER)
_SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=6.5, leading=9, wordWrap="CJK")


def verification_link(signed: SignedCertificate, verify_url: str) -> str:
    query = urlencode({"number": signed.certificate.number, "hash": signed.hash})
    return f"{verify_url}?{query}"


def _qr(text: str, size: float) -> Drawing:
    """The QR code as vector squares: sharp at any print size, no image library involved."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    drawing = Drawing(size, size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                top = size - (y + 1) * cell
                drawing.add(Rect(x * cell, top, cell, cell, fillColor=colors.black, strokeColor=None))
    return drawing


def _short(uid: str) -> str:
    return f"{uid[:10]}…{uid[-6:]}"


def render_pdf(signed: SignedCertificate, verify_url: str) -> bytes:
    cert = signed.certificate
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{TITLE} {cert.number}", subject=signed.hash,
        author=cert.issuer.organisation_name,
    )  # fmt: skip
    volunteer, issuer = cert.volunteer, cert.issuer
    services = [["日期", "活动", "签到", "签退", "小时", "链上记录 uid"]] + [
        [s.date.isoformat(), Paragraph(s.activity_name, _PLAIN), moment(s.check_in)[-5:],
         moment(s.check_out)[-5:], hours_text(s.minutes), Paragraph(_short(s.uid), _SMALL)]
        for s in cert.services
    ]  # fmt: skip
    table = Table(services, colWidths=[26 * mm, 48 * mm, 16 * mm, 16 * mm, 16 * mm, 48 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), CJK, 9.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (4, 1), (4, -1), "RIGHT"),
    ]))  # fmt: skip
    link = verification_link(signed, verify_url)
    proof = Table(
        [[_qr(link, 34 * mm), [
            Paragraph("扫码或访问下列地址，核验本证明在区块链上的记录与出具单位签名：", _PLAIN),
            Paragraph(link, _SMALL), Spacer(1, 2 * mm),
            Paragraph(f"certificate hash (keccak256): {signed.hash}", _SMALL),
            Paragraph(f"issuer signature (EIP-191): {signed.signature}", _SMALL),
            Paragraph(
                f"issuer key: {issuer.address} · chain {cert.chain.chain_id} · ledger {cert.chain.ledger}",
                _SMALL,
            ),
        ]]],
        colWidths=[38 * mm, 132 * mm],
    )  # fmt: skip
    proof.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        Paragraph(TITLE, _TITLE),
        Paragraph("Volunteer Service Certificate", _SUBTITLE),
        Paragraph(f"No. {cert.number}", _LATIN),
        Spacer(1, 8 * mm),
        Paragraph(
            f"兹证明 {volunteer.real_name}（身份证号 {volunteer.id_number_masked}）于 "
            f"{cert.period_from.isoformat()} 至 {cert.period_to.isoformat()} 期间，参加"
            f"{issuer.organisation_name}组织的志愿服务活动 {cert.total_sessions} 次，累计服务时长 "
            f"{cert.total_hours} 小时（{cert.total_minutes} 分钟，不含往返时间）。服务记录如下：",
            _BODY,
        ),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(f"合计：{cert.total_sessions} 次，{cert.total_hours} 小时。", _PLAIN),
        Spacer(1, 10 * mm),
        Paragraph(f"出具单位：{issuer.organisation_name}", _PLAIN),
        Paragraph(f"出具日期：{cert.issued_on.isoformat()}", _PLAIN),
        Spacer(1, 10 * mm),
        proof,
    ]
    document.build(story)
    return buffer.getvalue()
