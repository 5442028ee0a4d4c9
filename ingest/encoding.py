# SPDX-License-Identifier: MIT
"""Legacy Vietnamese text encodings: byte tables, detection by content, decoding to NFC.

Shapefiles of the 1990s-2010s carry TCVN3 (ABC) or VNI-Windows bytes while declaring
cp1252 or nothing. GDAL 3.6's ``TCVN5712-1`` decoder drops the last letter of each value
(iconv treats the charset as stateful and waits for a combining mark), so we read raw bytes
and convert them with our own tables. cp1258 comes with Python's codecs.

- TCVN3 uses the TCVN 5712:1993 VN1 table: one byte per precomposed letter (lower case in
  0xA8-0xFE, upper case partly in the C0 range and 0x80-0x9F), plus five combining tones.
- VNI-Windows writes a base letter followed by one mark byte (tone, circumflex, breve or
  both); ơ, ư, đ and the toned i/ỵ are single bytes.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

ENCODINGS = ("utf-8", "tcvn3", "vni", "cp1258")

_TCVN3_TABLE = (
    "\u0000\u00da\u1ee4\u0003\u1eea\u1eec\u1eee\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f"  # 00
    "\u0010\u1ee8\u1ef0\u1ef2\u1ef6\u1ef8\u00dd\u1ef4\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"  # 10
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"  # 20-5F
    "`abcdefghijklmnopqrstuvwxyz{|}~\u007f"  # 60-7F
    "\u00c0\u1ea2\u00c3\u00c1\u1ea0\u1eb6\u1eac\u00c8\u1eba\u1ebc\u00c9\u1eb8\u1ec6\u00cc\u1ec8\u0128"  # 80
    "\u00cd\u1eca\u00d2\u1ece\u00d5\u00d3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\u00d9\u1ee6\u0168"  # 90
    "\u00a0\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0"  # A0
    "\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"  # B0
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd"  # C0
    "\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2"  # D0
    "\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9"  # E0
    "\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"  # F0
)

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"

# VNI-Windows: lower-case mark bytes (upper-case ones are 0x20 lower, same meaning)
_VNI_MARKS = {
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xE2: _CIRCUMFLEX, 0xE1: _CIRCUMFLEX + _ACUTE, 0xE0: _CIRCUMFLEX + _GRAVE,
    0xE5: _CIRCUMFLEX + _HOOK, 0xE3: _CIRCUMFLEX + _TILDE, 0xE4: _CIRCUMFLEX + _DOT,
    0xEA: _BREVE, 0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
}
# VNI-Windows: whole letters in one byte (lower case; upper case 0x20 lower)
_VNI_LETTERS = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ",
    0xF2: "ị", 0xEE: "ỵ",
}


def _vni_table() -> dict[int, str]:
    """str.translate table from Latin-1-decoded VNI bytes to Unicode (NFC applied later)."""
    table: dict[int, str] = {}
    for byte, marks in _VNI_MARKS.items():
        table[byte] = table[byte - 0x20] = marks
    for byte, letter in _VNI_LETTERS.items():
        table[byte], table[byte - 0x20] = letter, letter.upper()
    return table


def _tcvn3_table() -> dict[int, str]:
    return {byte: char for byte, char in enumerate(_TCVN3_TABLE) if byte != ord(char)}


class Codecs:
    """Decoders from raw bytes to NFC text, one per supported encoding."""

    def __init__(self) -> None:
        self._vni = _vni_table()
        self._tcvn3 = _tcvn3_table()

    def decode(self, raw: bytes, encoding: str) -> str:
        """Decode ``raw`` in ``encoding`` to Unicode NFC; UnicodeDecodeError for bad UTF-8."""
        if encoding == "utf-8":
            text = raw.decode("utf-8")
        elif encoding == "tcvn3":
            text = raw.decode("latin-1").translate(self._tcvn3)
        elif encoding == "vni":
            text = raw.decode("latin-1").translate(self._vni)
        elif encoding == "cp1258":
            text = raw.decode("cp1258", errors="replace")
        else:
            raise ValueError(f"unknown encoding {encoding!r}; known: {', '.join(ENCODINGS)}")
        return unicodedata.normalize("NFC", text)

    def encode(self, text: str, encoding: str) -> bytes:
        """Unicode text to legacy bytes (fixtures and round-trip tests)."""
        if encoding == "tcvn3":
            reverse = {char: byte for byte, char in enumerate(_TCVN3_TABLE)}
            return bytes(reverse[char] for char in unicodedata.normalize("NFC", text))
        if encoding == "vni":
            return _encode_vni(text, self._vni)
        if encoding == "cp1258":
            return _encode_cp1258(text)
        return unicodedata.normalize("NFC", text).encode(encoding)


def _encode_vni(text: str, table: dict[int, str]) -> bytes:
    """Unicode to VNI-Windows: single-byte letters first, else base letter + mark byte."""
    letters = {value: key for key, value in table.items() if len(value) == 1 and value.isalpha()}
    marks = {value: key for key, value in _VNI_MARKS.items()}
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char in letters:
            out.append(letters[char])
            continue
        base, *rest = unicodedata.normalize("NFD", char)
        tone = "".join(m for m in rest if m not in (_CIRCUMFLEX, _BREVE, "\u031b"))
        shape = "".join(m for m in rest if m in (_CIRCUMFLEX, _BREVE, "\u031b"))
        head = unicodedata.normalize("NFC", base + shape)
        if head in letters:
            out.append(letters[head])
            shape = ""
        else:
            out.extend(head.encode("latin-1") if len(head) == 1 and shape == "" else base.encode())
        if shape or tone:
            mark = marks[shape + tone]
            out.append(mark - 0x20 if char.isupper() else mark)
    return bytes(out)


def _encode_cp1258(text: str) -> bytes:
    """Unicode to cp1258: precomposed where the code page has it, else base + combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out.extend(char.encode("cp1258"))
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            head = unicodedata.normalize("NFC", base + "".join(
                m for m in marks if m in (_CIRCUMFLEX, _BREVE, "\u031b")))
            tone = "".join(m for m in marks if m not in (_CIRCUMFLEX, _BREVE, "\u031b"))
            out.extend((head + tone).encode("cp1258"))
    return bytes(out)


# --- detection ---------------------------------------------------------------------------
_ONSETS = ("ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x")
_NUCLEI = sorted((
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui "
    "uô uơ uy ưa ưi ươ ưu yê iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu").split(),
    key=len, reverse=True)
_SYLLABLE = re.compile(f"^(?:{_ONSETS})?(?:{'|'.join(_NUCLEI)})(?:ch|ng|nh|c|m|n|p|t|i|o|u|y)?$")
_TONES = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
_WORD = re.compile(r"\S+")


def plausible_syllable(word: str) -> bool:
    """True if ``word`` (one token) is a well-formed Vietnamese syllable with <= 1 tone."""
    decomposed = unicodedata.normalize("NFD", word.lower().strip(".,;:()\"'-/"))
    if sum(char in _TONES for char in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(_SYLLABLE.match(bare))


def plausibility(text: str) -> int:
    """Well-formed minus ill-formed non-ASCII words: how Vietnamese a decoding looks."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        score += 1 if plausible_syllable(word) else -1
    return score


def detect(samples: Iterable[bytes], codecs: Codecs) -> str | None:
    """The encoding whose decoding of the non-ASCII samples reads most like Vietnamese.

    None when every sample is ASCII (any encoding reads it the same). UTF-8 wins ties, since
    legacy bytes are almost never valid UTF-8 by chance.
    """
    texts = [raw for raw in samples if not raw.isascii()]
    if not texts:
        return None
    scores = {encoding: _score(texts, encoding, codecs) for encoding in ENCODINGS}
    return max(ENCODINGS, key=lambda encoding: scores[encoding])


def as_legacy(raw: bytes, encoding: str) -> bytes:
    """The legacy bytes of a value: as given, or recovered when a reader stored them as
    UTF-8 after taking them for cp1252 (legacy bytes are almost never valid UTF-8)."""
    if encoding == "utf-8" or raw.isascii():
        return raw
    try:
        return legacy_bytes(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return raw


def _score(samples: list[bytes], encoding: str, codecs: Codecs) -> float:
    total = 0
    for raw in samples:
        try:
            total += plausibility(codecs.decode(as_legacy(raw, encoding), encoding))
        except UnicodeDecodeError:
            return float("-inf")
    return total


def legacy_bytes(text: str) -> bytes:
    """The bytes a legacy-encoded value had before a reader took them for cp1252/Latin-1."""
    out = bytearray()
    for char in text:
        try:
            out.extend(char.encode("cp1252"))
        except UnicodeEncodeError:
            out.extend(char.encode("latin-1", errors="replace"))
    return bytes(out)
