"""Files uploaded to the portal are read as the command line reads them."""

from __future__ import annotations

from cafta.web.documents import parse_document


def test_an_uploaded_yaml_file_keeps_codes_and_odd_numbers_as_text() -> None:
    """yaml.safe_load (YAML 1.1) read 0810.60 as a float, NO as false and 00612000 as octal."""
    text = "line: 0810.60\norigin: NO\namount: 00612000\nhex: 0x1F\nplain: 612000\nflag: true\n"
    assert parse_document(text, "goods.yaml") == {
        "line": "0810.60", "origin": "NO", "amount": "00612000", "hex": "0x1F",
        "plain": 612000, "flag": True,
    }  # fmt: skip
