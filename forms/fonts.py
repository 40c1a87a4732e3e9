"""The shipped fonts, registered with ReportLab once.

Liberation Serif 2 is metric-compatible with Times New Roman, which administrative papers use,
and covers the whole Vietnamese alphabet. Without a shipped font a frozen app on a bare machine
printed PDFs with no text at all (shared/env.md).
"""

from __future__ import annotations

from functools import cache

from app.assets import resource_path

SERIF = "LiberationSerif"
SANS = "LiberationSans"
FACES = {
    SERIF: ("Regular", "Bold", "Italic", "BoldItalic"),
    SANS: ("Regular", "Bold"),
}


def face_name(family: str, face: str) -> str:
    return family if face == "Regular" else f"{family}-{face}"


@cache
def register_fonts() -> None:
    # ReportLab is imported here, not at the top: the desk checks typed text against the fonts
    # (app.services.text_input) without paying for ReportLab at start-up.
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    from forms.embedded import PaperFont

    rl_config.useA85 = 0  # binary streams: smaller PDFs, and no time spent on ASCII85
    rl_config.pageCompression = 0  # a slip's page is a few kB: compressing it costs more time than it saves
    for family, faces in FACES.items():
        for face in faces:
            path = resource_path("fonts", f"{family}-{face}.ttf")
            pdfmetrics.registerFont(PaperFont(face_name(family, face), str(path)))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, f"{SERIF}-Bold")
    addMapping(SERIF, 0, 1, f"{SERIF}-Italic")
    addMapping(SERIF, 1, 1, f"{SERIF}-BoldItalic")
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, f"{SANS}-Bold")
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, f"{SANS}-Bold")


@cache
def printable_characters() -> frozenset[int]:
    """The code points every shipped face can draw: text typed into the desk may end up in any face
    (bold on a slip, italic in a note, sans on the ticket)."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    faces = [pdfmetrics.getFont(face_name(family, face)).face for family, names in FACES.items() for face in names]
    common = set(faces[0].charToGlyph)
    for face in faces[1:]:
        common &= set(face.charToGlyph)
    return frozenset(common)


def first_unprintable(text: str) -> str:
    """The first character of `text` that would print as an empty box (or not at all), or ""."""
    covered = printable_characters()
    for char in text:
        if ord(char) not in covered:
            return char
    return ""
