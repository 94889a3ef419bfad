"""Render ``app/resources/icons/minplan.svg`` into ``packaging/windows/minplan.ico`` (16–256 px).

    QT_QPA_PLATFORM=offscreen python packaging/windows/make_icon.py

Run it after changing the SVG; the .ico is checked in, so a Windows build needs no converter.
Each size is a PNG inside the ICO container (what Windows Vista and later read).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[2]
SIZES = (256, 48, 32, 16)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (Qt's image plugins need an application)
    renderer = QSvgRenderer(str(ROOT / "app" / "resources" / "icons" / "minplan.svg"))
    images = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        images.append(image)
    target = ROOT / "packaging" / "windows" / "minplan.ico"
    pngs = []
    for image in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        pngs.append(bytes(data.data()))
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries = b""
    for size, png in zip(SIZES, pngs, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    target.write_bytes(header + entries + b"".join(pngs))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
