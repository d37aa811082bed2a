"""Tables on a narrow terminal or a pipe keep every cell's text."""

from __future__ import annotations

import pytest
from rich.table import Table

from cafta.cli.output import console, print_table

ROW = ("CD20261130-BE023A84B1", "CNQIN", "held_for_documents", "yellow",
       "Qingdao Harvest Food Co., Ltd", "15390.00 CNY", "2026-11-30T00:26:08")  # fmt: skip


def _wide_table() -> Table:
    """The shape of `cafta declare list`: three columns that may not wrap, 108 wide at least."""
    table = Table()
    for column in ("id", "office", "status", "lane", "importer", "total", "lodged"):
        table.add_column(column, no_wrap=column in ("id", "status", "total", "lodged"))
    table.add_row(*ROW)
    return table


@pytest.fixture
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # what Rich takes for a pipe; a terminal may be wider
    assert console.width == 80


@pytest.mark.usefixtures("eighty_columns")
def test_a_table_too_wide_for_the_terminal_keeps_every_cell(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console.print(_wide_table())  # what the CLI did: whole columns came out empty
    lost = capsys.readouterr().out
    assert "CNQIN" not in lost and "yellow" not in lost

    print_table(_wide_table())
    out = capsys.readouterr().out
    words = " ".join(line.replace("│", " ") for line in out.splitlines()).split()
    for cell in ROW:
        for word in cell.split():
            assert word in words, word
    assert "15390.00 CNY" in out  # a column that may not wrap stays on one line
    assert max(len(line) for line in out.splitlines()) > 80  # the terminal folds it


@pytest.mark.usefixtures("eighty_columns")
def test_a_table_that_fits_is_printed_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    table = Table(title="HS 2022 codes matching 'durian'")
    for column in ("code", "description"):
        table.add_column(column)
    table.add_row("0810.60", "Fruit, edible; durians, fresh " * 4)  # wraps within 80
    console.print(table)
    before = capsys.readouterr().out
    print_table(table)
    assert capsys.readouterr().out == before
    assert max(len(line) for line in before.splitlines()) <= 80


@pytest.mark.usefixtures("eighty_columns")
def test_long_words_fold_where_the_column_folds_and_are_never_cut_short(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "registry.china-gacc.agency/China_HS_code/HScode_search.asp?word=0810"
    folding = Table(title="Working")
    for column in ("step", "basis", "reference"):
        folding.add_column(column, overflow="fold")
    folding.add_row("Most-favoured-nation duty", "264.52 CNY × 20%", url)
    print_table(folding)  # as Rich fits it: within the 80 columns, the address folded
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert url not in out and "registry.china-" in out and "…" not in out

    cutting = Table()  # Rich would shorten the address to "…" in a column that does not fold
    for column in ("step", "reference"):
        cutting.add_column(column)
    cutting.add_row("duty", url + "&extra=" + "x" * 20)
    print_table(cutting)
    out = capsys.readouterr().out
    assert url + "&extra=" in out and "…" not in out
