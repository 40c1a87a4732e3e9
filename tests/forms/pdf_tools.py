"""Reading a PDF back the way a person would see it: poppler for text and pages, zbar for the QR."""

import re
import subprocess
import tempfile
from pathlib import Path

A5 = (419.5, 595.3)
A4 = (595.3, 841.9)


def _with_file(pdf: bytes, run):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        return run(path, Path(folder))


def pages(pdf: bytes) -> tuple[int, tuple[float, float]]:
    def run(path, _):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        w, h = (round(float(x), 1) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        return count, (w, h)
    return _with_file(pdf, run)


def text(pdf: bytes, page: int | None = None) -> str:
    def run(path, _):
        extra = ["-f", str(page), "-l", str(page)] if page else []
        out = subprocess.run(["pdftotext", *extra, str(path), "-"], capture_output=True, check=True)
        return " ".join(out.stdout.decode("utf-8").split())
    return _with_file(pdf, run)


def layout_lines(pdf: bytes, page: int) -> list[str]:
    """The page's text as laid out (a table row stays on one line), white space collapsed."""
    def run(path, _):
        out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                             capture_output=True, check=True)
        return [" ".join(line.split()) for line in out.stdout.decode("utf-8").splitlines()]
    return _with_file(pdf, run)


def _scan(pdf: bytes, page: int, dpi: int, symbology: list[str]) -> list[str]:
    def run(path, folder):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(path),
                        str(folder / "p")], check=True)
        image = next(folder.glob("p*.png"))
        out = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", *symbology, str(image)], capture_output=True)
        return [line for line in out.stdout.decode("utf-8").splitlines() if line]
    return _with_file(pdf, run)


def qr_codes(pdf: bytes, page: int = 1, dpi: int = 200) -> list[str]:
    return _scan(pdf, page, dpi, ["-Sqrcode.enable", "-Sbinary"])


def barcodes(pdf: bytes, page: int = 1, dpi: int = 300) -> list[str]:
    """Code 128 symbols, as a plain 1D scanner reads them."""
    return _scan(pdf, page, dpi, ["-Scode128.enable"])


def words(pdf: bytes, page: int) -> list[tuple[float, float, float, float, str]]:
    """(x_min, y_min, x_max, y_max, word) of each word on the page, in points from the top left."""
    def run(path, _):
        out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                             capture_output=True, check=True).stdout.decode("utf-8")
        found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
        return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]
    return _with_file(pdf, run)


def type_size(word: tuple[float, float, float, float, str]) -> float:
    """The size the word is set in: poppler's box of a Liberation Serif word is 0.909 of it tall."""
    return (word[3] - word[1]) / 0.909
