"""The shipped faces as ReportLab embeds them in a paper: the same bytes in every paper, made once.

ReportLab embeds in each PDF a subset of each face holding the characters that PDF uses, in the
order it first meets them, so every paper had a subset of its own, and making it (reading the
font's tables, writing a new font file, its widths and its ToUnicode map) was a tenth of a slip's
render time. Here each paper's first subset is seeded with the whole Vietnamese alphabet in one
fixed order: it is then the same for every paper, and its font file (compressed), widths and
ToUnicode map are made once per process and reused. A character outside the seed still gets its
own slot, as before; its subset is simply made for that paper (and cached by its content).

Imported by forms.fonts when the fonts are registered, never at the desk's start-up.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    TTFontFace,
    makeToUnicodeCMap,
)

_TONED = ("aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ",
          "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ")
# Every letter of the Vietnamese alphabet that is not ASCII (ASCII is always in the first subset),
# and the punctuation the papers print: "…" of blanks to fill, "–" of "tiếp theo", quotes.
SEED = "đĐ" + "".join(c for forms in _TONED for c in forms + forms.upper() if not c.isascii()) + "…–—“”‘’•№"


SPLITS_LIMIT = 8192  # encoded strings kept per face; all dropped when full


@dataclass(frozen=True)
class SubsetParts:
    """What one subset of one face puts in a PDF, as bytes ready to write."""

    widths: bytes  # the /Widths array, formatted
    cmap: bytes  # the ToUnicode CMap, Flate-compressed
    font_file: bytes  # the subset font program, Flate-compressed
    font_length: int  # its uncompressed length (/Length1)


@lru_cache(maxsize=64)
def subset_parts(face: TTFontFace, base_name: str, subset: tuple[int, ...]) -> SubsetParts:
    program = face.makeSubset(list(subset))
    widths = "[ " + " ".join(pdfdoc.fp_str(face.getCharWidth(code)) for code in subset) + " ]"
    cmap = makeToUnicodeCMap(base_name, list(subset))
    return SubsetParts(widths.encode("ascii"), zlib.compress(cmap.encode("latin-1")), zlib.compress(program),
                       len(program))


def _stream(content: bytes, **entries: Any) -> pdfdoc.PDFStream:
    """A stream written as it is: it was compressed when its parts were made."""
    stream = pdfdoc.PDFStream(content=content)
    stream.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
    for key, value in entries.items():
        stream.dictionary[key] = value
    return stream


class PaperFont(TTFont):
    """A TrueType face whose subsets are seeded and reused (see the module's note)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        # Characters whose codes are the same in every paper: ASCII and the seed (or not in the face).
        ascii_codes = range(32, 128) if self._asciiReadable else ()  # ReportLab's default: ASCII as itself
        self._fixed = frozenset(ascii_codes) | {0xA0} | {ord(char) for char in SEED}
        self._splits: dict[str, list[tuple[int, bytes]]] = {}

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """The text's codes in the paper's subsets. Text made only of characters with fixed codes
        encodes the same in every paper: encoded once (it was a tenth of a slip's time, a Python
        loop over every character of every string drawn)."""
        if doc not in self.state:
            super().splitString(SEED, doc)  # the fixed first slots, before anything the paper says
        known = self._splits.get(text) if isinstance(text, str) else None
        if known is not None:
            return known
        result = super().splitString(text, doc, encoding)
        glyphs = self.face.charToGlyph
        if isinstance(text, str) and all(code in self._fixed or code not in glyphs for code in map(ord, text)):
            if len(self._splits) >= SPLITS_LIMIT:
                self._splits.clear()
            self._splits[text] = result
        return result

    def addObjects(self, doc: Any) -> None:
        """ReportLab's TTFont.addObjects, with each subset's bytes taken from the cache."""
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        fonts = doc.idToObject["BasicFonts"].dict
        for number, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(number, doc)[1:]
            base = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            parts = subset_parts(face, base, tuple(subset))
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {number}"
            font.Name, font.BaseFont = internal, base
            font.FirstChar, font.LastChar = 0, len(subset) - 1
            font.Widths = parts.widths
            font.ToUnicode = doc.Reference(_stream(parts.cmap), "toUnicodeCMap:" + base)
            font.FontDescriptor = self._descriptor(doc, base, parts)
            doc.Reference(font, internal)
            fonts[internal] = font
        del self.state[doc]

    def _descriptor(self, doc: Any, base: str, parts: SubsetParts) -> Any:
        face = self.face
        font_file = doc.Reference(_stream(parts.font_file, Length1=parts.font_length),
                                  f"fontFile:{face.filename}({base})")
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight, "Descent": face.descent,
            "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC, "FontBBox": pdfdoc.PDFArray(face.bbox),
            "FontName": pdfdoc.PDFName(base), "ItalicAngle": face.italicAngle, "StemV": face.stemV,
            "FontFile2": font_file, "MissingWidth": face.defaultWidth,
        })
        return doc.Reference(descriptor, "fontDescriptor:" + base)
