"""Where the certificate's embedded font comes from: a Debian package, installed by `make install`."""

from __future__ import annotations

import os
from pathlib import Path

# fonts-wqy-microhei: TrueType outlines (which reportlab can subset and embed), CJK and Latin
# glyphs in one face, Apache 2.0 licensed. YILIAN_CJK_FONT points elsewhere (a .ttf or .ttc).
DEBIAN_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


class FontMissing(RuntimeError):
    pass


def cjk_font_path() -> Path:
    path = Path(os.environ.get("YILIAN_CJK_FONT", DEBIAN_FONT))
    if not path.is_file():
        raise FontMissing(
            f"the certificate font {path} is missing: `make install` installs it "
            "(apt-get install fonts-wqy-microhei), or set YILIAN_CJK_FONT to a TrueType CJK font"
        )
    return path
