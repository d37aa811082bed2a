"""A reader that stops reading early (`cafta ... | head -1`) changes neither what a command
does nor its exit status: a script with `set -o pipefail` must not lodge a declaration twice."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import cli

ROOT = Path(__file__).resolve().parents[3]
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"
DUTY = ("duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value",
        "100000", "--currency", "CNY", "--on", "2026-06-01")  # fmt: skip


class ClosedEarly(io.StringIO):
    """Standard output whose reader goes away after ``keep`` writes: later writes fail as a
    write into a pipe with no reader does (EPIPE; Python ignores SIGPIPE)."""

    def __init__(self, fd: int, keep: int) -> None:
        super().__init__()
        self._fd = fd
        self._keep = keep

    def write(self, text: str) -> int:
        if self._keep <= 0:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        self._keep -= 1
        return super().write(text)

    def fileno(self) -> int:
        return self._fd  # the write end of a pipe of the test's own, pointed at os.devnull

    def isatty(self) -> bool:
        return False


@pytest.fixture
def pipe_fd() -> Iterator[int]:
    """The write end of a pipe of the test's own (its read end closed at once)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        yield write_end
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "argv",
    [
        DUTY,
        (*DUTY, "--json"),
        ("demo",),
        ("tariff", "0810.60", "--origin", "TH", "--destination", "CN", "--on", "2026-06-01"),
    ],
    ids=["duty", "duty --json", "demo", "tariff"],
)
def test_a_command_whose_reader_goes_away_exits_as_it_would_have(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pipe_fd: int,
    argv: tuple[str, ...],
) -> None:  # fmt: skip
    # Set here, not in a fixture: capsys puts its own standard output back when the test starts.
    monkeypatch.setattr(sys, "stdout", ClosedEarly(pipe_fd, keep=0))
    code, _, err = cli(capsys, *argv)
    assert (code, err) == (0, "")


@pytest.mark.usefixtures("example_authority")
def test_a_held_declaration_exits_3_and_is_lodged_once(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], monkeypatch: pytest.MonkeyPatch,
    pipe_fd: int,
) -> None:  # fmt: skip
    monkeypatch.setattr(sys, "stdout", ClosedEarly(pipe_fd, keep=1))
    code, _, err = cli(capsys, "declare", "submit", DURIAN, *db, "--wait")
    assert (code, err) == (3, "")
    monkeypatch.setattr(sys, "stdout", ClosedEarly(pipe_fd, keep=0))
    code, _, err = cli(capsys, "declare", "list", *db, "--json")
    assert (code, err) == (0, "")
    monkeypatch.undo()
    code, out, _ = cli(capsys, "declare", "list", *db, "--json")
    (lodged,) = json.loads(out)["items"]
    monkeypatch.setattr(sys, "stdout", ClosedEarly(pipe_fd, keep=1))
    code, _, err = cli(capsys, "declare", "show", lodged["id"], *db)
    assert (code, err) == (0, "")


_CAFTA = "import sys; from cafta.cli.main import main; sys.argv[0] = 'cafta'; main()"


@pytest.mark.usefixtures("example_authority")
def test_a_process_writing_into_a_closed_pipe_keeps_its_exit_status(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], tmp_path: Path
) -> None:
    """The real thing: `cafta declare submit --wait FILE | head -0` in a shell."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CAFTA, "declare", "submit", str(DURIAN), *db, "--wait"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
            env={**os.environ, "OMP_NUM_THREADS": "1", "CAFTA_HOME": str(tmp_path / "home")},
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (3, "")
    code, out, _ = cli(capsys, "declare", "list", *db, "--json")
    assert code == 0 and len(json.loads(out)["items"]) == 1
