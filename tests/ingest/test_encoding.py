# SPDX-License-Identifier: MIT
"""The TCVN3 / VNI / cp1258 tables decode known bytes exactly and round-trip every letter."""
from __future__ import annotations

import unicodedata

import pytest

from ingest.encoding import Codecs, detect, plausible_syllable
from ingest.text import TextDecoder

pytestmark = pytest.mark.unit

LOWER = ("aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợ"
         "uùủũúụưừửữứựyỳỷỹýỵđ")
ALPHABET = LOWER + LOWER.upper() + " bcdghklmnpqrstvx BCDGHKLMNPQRSTVX"
SENTENCES = ["Nguyễn Văn Tưởng", "Phường Trần Phú, thành phố Bắc Giang",
             "Đất chuyên trồng lúa nước", "Xã Việt Yên, huyện Lục Ngạn"]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258", "utf-8"])
def test_full_alphabet_with_all_tones_round_trips(encoding):
    codecs = Codecs()
    assert len(LOWER) == 73  # 12 vowels x 6 tones + đ
    decoded = codecs.decode(codecs.encode(ALPHABET, encoding), encoding)
    assert decoded == ALPHABET
    assert unicodedata.is_normalized("NFC", decoded)


def test_tcvn3_known_bytes():
    """Bytes from the TCVN 5712:1993 charmap (glibc), independent of our encoder."""
    codecs = Codecs()
    assert codecs.decode(b"Nguy\xd4n V\xa8n T\xad\xebng", "tcvn3") == "Nguyễn Văn Tưởng"
    assert codecs.decode(b"\xa7inh C\xabng Tr\xf8", "tcvn3") == "Đinh Công Trứ"
    # the letters GDAL 3.6's decoder drops are the last ones: all must be there
    assert codecs.decode(b"Vi\xd6t", "tcvn3") == "Việt"
    # upper-case letters live in the C0 range and 0x80-0x9F
    assert codecs.decode(b"\x01\x04\x16\x80\x9f", "tcvn3") == "ÚỪÝÀŨ"


def test_vni_known_bytes():
    """VNI-Windows spellings as VNI fonts type them: base letter + mark byte."""
    codecs = Codecs()
    assert codecs.decode(b"Vie\xe4t Nam", "vni") == "Việt Nam"
    assert codecs.decode(b"\xd1\xf6\xf4\xf8ng", "vni") == "Đường"
    assert codecs.decode(b"Ho\xe0 Ch\xed Minh", "vni") == "Hồ Chí Minh"
    assert codecs.decode(b"TIE\xc1NG VIE\xc4T", "vni") == "TIẾNG VIỆT"
    assert codecs.decode(b"kha\xe9c nghi\xf5a \xee", "vni") == "khắc nghĩa ỵ"


def test_cp1258_uses_combining_tones():
    assert Codecs().decode(b"Vi\xeA\xf2t", "cp1258") == "Việt"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258", "utf-8"])
def test_detection_by_content(encoding):
    codecs = Codecs()
    samples = [codecs.encode(text, encoding) for text in SENTENCES]
    assert detect(samples, codecs) == encoding
    for sample in samples:
        assert detect([sample], codecs) == encoding


def test_ascii_only_is_undecided_until_text_appears():
    decoder = TextDecoder("auto")
    decoder.observe([b"SoTo", b"SoThua"], None)
    assert decoder.encoding is None and decoder.label == "ascii"
    decoder.observe([b"T\xaanCh\xf1"], None)
    assert decoder.encoding == "tcvn3"
    assert decoder.names([b"T\xaanCh\xf1"]) == ["TênChủ"]


def test_legacy_text_inside_a_utf8_container_is_recovered():
    """TCVN3 bytes once read as cp1252 and saved as UTF-8 (e.g. 'Ph­êng' in a GeoPackage)."""
    decoder = TextDecoder("auto")
    mojibake = [text.encode("utf-8") for text in ("Ph\xad\xeang Tr\xc7n Ph\xf3", "Nguy\xd4n")]
    decoder.observe(mojibake, None)
    assert decoder.encoding == "tcvn3"
    assert decoder.names(mojibake) == ["Phường Trần Phú", "Nguyễn"]


def test_syllable_check():
    assert plausible_syllable("nghiêng") and plausible_syllable("Đường")
    assert not plausible_syllable("ViƯt") and not plausible_syllable("ñöôøng")
