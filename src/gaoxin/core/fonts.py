"""The Chinese fonts of generated documents and charts, read by path from Debian packages (no font is
ever downloaded). Charts and DOCX use Noto Sans CJK SC (fonts-noto-cjk). reportlab embeds only fonts
with TrueType outlines and Noto CJK has PostScript (CFF) ones, so PDFs embed WenQuanYi Micro Hei
(fonts-wqy-microhei) instead; without it they fall back to reportlab's CID font STSong-Light, which
is not embedded and needs the reader's Chinese language pack."""

from __future__ import annotations

from pathlib import Path

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
REGULAR = NOTO_DIR / "NotoSansCJK-Regular.ttc"
BOLD = NOTO_DIR / "NotoSansCJK-Bold.ttc"
SC_INDEX = 2  # NotoSansCJK-*.ttc hold JP, KR, SC, TC, HK in this order
FAMILY = "Noto Sans CJK SC"
PDF_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PDF_NAME = "WenQuanYiMicroHei"

_pdf: tuple[str, str] | None = None


def pdf_fonts() -> tuple[str, str]:
    """(regular, bold) font names registered with reportlab."""
    global _pdf
    if _pdf is None:
        from reportlab.pdfbase import pdfmetrics

        try:
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(PDF_NAME, str(PDF_FONT), subfontIndex=0))
            _pdf = (PDF_NAME, PDF_NAME)  # the font has no bold face; headings are set larger
        except Exception:  # the system font is missing or unreadable: the CID font still shows Chinese
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _pdf = ("STSong-Light", "STSong-Light")
    return _pdf


_charts = False


def chart_family() -> str:
    """The family name matplotlib draws Chinese with (the font registered from its file once)."""
    global _charts
    if not _charts:
        from matplotlib import font_manager

        for path in (REGULAR, BOLD):
            if path.exists():
                font_manager.fontManager.addfont(str(path))
        _charts = True
    return FAMILY
