"""``cafta representations grant | list | revoke``, run in-process over a SQLite node database,
and what ``cafta declare submit`` says when the broker holds no authority."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import cli
from tests.unit.cli.conftest import EXAMPLE_BROKER, EXAMPLE_IMPORTER

from cafta import bootstrap
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.cli.representations import grant_command
from cafta.core.clock import FixedClock

Db = tuple[str, str]
ROOT = Path(__file__).resolve().parents[3]
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"
FIELDS = {"id", "importer", "broker", "valid_from", "valid_until", "reference", "status",
          "granted_by", "granted_at", "revoked_by", "revoked_at"}  # fmt: skip


def _grant(capsys: pytest.CaptureFixture[str], db: Db, *options: str,
           importer: str = "Importer A", broker: str = "Broker B") -> dict[str, Any]:  # fmt: skip
    code, out, err = cli(capsys, "representations", "grant", "--importer", importer,
                         "--broker", broker, *options, *db, "--json")  # fmt: skip
    assert code == 0, err
    granted: dict[str, Any] = json.loads(out)
    return granted


def _page(capsys: pytest.CaptureFixture[str], db: Db, *options: str) -> dict[str, Any]:
    code, out, err = cli(capsys, "representations", "list", *options, *db, "--json")
    assert code == 0, err
    page: dict[str, Any] = json.loads(out)
    assert set(page) == {"items", "total", "limit", "offset"}
    return page


def _list(capsys: pytest.CaptureFixture[str], db: Db, *options: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _page(capsys, db, *options)["items"]
    return items


def _refused(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    """The one line of a command that is refused with exit 2 and prints nothing else."""
    code, out, err = cli(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("error: ")
    return err.removeprefix("error: ").rstrip("\n")


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Run the following commands with the node's clock at noon (UTC) on a given day."""
    build = bootstrap.build

    def set_day(day: date) -> None:
        clock = FixedClock(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
        monkeypatch.setattr(bootstrap, "build", lambda: build(clock=clock))

    return set_day


def test_grant_prints_the_new_id_and_list_shows_it_in_force(capsys, db: Db) -> None:
    code, out, err = cli(capsys, "representations", "grant", "--importer", EXAMPLE_IMPORTER,
                         "--broker", EXAMPLE_BROKER, "--from", "2026-01-01", "--reference",
                         "WT-2026-0042", *db)  # fmt: skip
    assert (code, err) == (0, "")
    match = re.fullmatch(
        r"(rep_[0-9a-f]{12}): Pingxiang Border Brokers Co\. may declare for Guangxi Fresh Fruit "
        r"Trading Co\. from 2026-01-01 until withdrawn, reference WT-2026-0042; recorded by "
        r"operator \(cli\)\n",
        out,
    )
    assert match is not None, out
    code, out, err = cli(capsys, "representations", "list", *db)
    assert (code, err) == (0, "")
    for text in (match.group(1), EXAMPLE_IMPORTER, EXAMPLE_BROKER, "2026-01-01", "WT-2026-0042",
                 "in force", "status", "reference"):  # fmt: skip
        assert text in out
    (listed,) = _list(capsys, db)
    assert set(listed) == FIELDS
    assert (listed["id"], listed["status"], listed["valid_until"]) == (
        match.group(1), "in_force", None)  # fmt: skip
    assert (listed["granted_by"], listed["revoked_at"]) == ("operator (cli)", None)
    assert listed["granted_at"].endswith("+00:00")


def test_grant_as_json_names_the_operator_and_the_dates(capsys, db: Db) -> None:
    granted = _grant(capsys, db, "--from", "2999-01-01", "--until", "2999-12-31",
                     "--by", "  Clerk Wang ")  # fmt: skip
    assert set(granted) == FIELDS
    assert re.fullmatch(r"rep_[0-9a-f]{12}", granted["id"])
    assert (granted["importer"], granted["broker"]) == ("Importer A", "Broker B")
    assert (granted["valid_from"], granted["valid_until"]) == ("2999-01-01", "2999-12-31")
    assert (granted["status"], granted["granted_by"], granted["reference"]) == (
        "not_yet", "Clerk Wang", None)  # fmt: skip
    code, out, _ = cli(capsys, "representations", "list", *db)
    assert code == 0 and "not yet" in out and "2999-12-31" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--from", "2026-02-30"), "--from '2026-02-30' is not a date. Write it as YYYY-MM-DD"),
        (("--until", "31/12/2026"), "--until '31/12/2026' is not a date. Write it as YYYY-MM-DD"),
        (("--from", "2999-06-01", "--until", "2999-05-31"),
         "valid_until (2999-05-31) is before valid_from (2999-06-01)"),
        (("--from", "2019-01-01", "--until", "2020-01-01"),
         "valid_until (2020-01-01) is already over"),
        (("--by", "   "), "--by: give your name; the change is recorded under it"),
    ],
    ids=["impossible day", "not ISO", "inverted", "over", "nobody"],
)  # fmt: skip
def test_bad_dates_and_names_are_one_line_and_record_nothing(
    capsys, db: Db, options: tuple[str, ...], message: str
) -> None:
    line = _refused(capsys, "representations", "grant", "--importer", "Importer A", "--broker",
                    "Broker B", *options, *db)  # fmt: skip
    assert line.startswith(message), line
    assert _list(capsys, db, "--all") == []


def test_an_importer_is_not_its_own_broker(capsys, db: Db) -> None:
    line = _refused(capsys, "representations", "grant", "--importer", "Importer  A",
                    "--broker", "importer a", *db)  # fmt: skip
    assert "is the importer itself" in line


def test_an_overlapping_authority_is_refused_with_the_one_in_force(capsys, db: Db) -> None:
    first = _grant(capsys, db, "--from", "2026-01-01")
    line = _refused(capsys, "representations", "grant", "--importer", "IMPORTER A", "--broker",
                    "broker b", "--from", "2999-01-01", *db)  # fmt: skip
    assert line == (
        f"'Broker B' already holds authority from 'Importer A' ({first['id']}, from 2026-01-01, "
        "until withdrawn). Withdraw that one first to change its dates, or give dates that do "
        "not overlap."
    )
    # Another broker for the same importer is no overlap.
    _grant(capsys, db, broker="Broker C")
    assert len(_list(capsys, db)) == 2


def test_list_narrows_to_an_importer_or_a_broker_and_all_shows_the_withdrawn(
    capsys, db: Db
) -> None:
    code, out, _ = cli(capsys, "representations", "list", *db)
    assert (code, out) == (0, "no authorities recorded\n")
    kept = _grant(capsys, db)
    other = _grant(capsys, db, importer="Importer Z", broker="Broker B")
    withdrawn = _grant(capsys, db, importer="Importer Z", broker="Broker Y")
    assert cli(capsys, "representations", "revoke", withdrawn["id"], *db)[0] == 0

    assert [r["id"] for r in _list(capsys, db)] == [kept["id"], other["id"]]
    assert [r["id"] for r in _list(capsys, db, "--broker", " broker  b ")] == [
        kept["id"], other["id"]]  # fmt: skip
    assert [r["id"] for r in _list(capsys, db, "--importer", "importer z")] == [other["id"]]
    everything = _list(capsys, db, "--importer", "Importer Z", "--all")
    assert [(r["id"], r["status"]) for r in everything] == [
        (other["id"], "in_force"), (withdrawn["id"], "withdrawn")]  # fmt: skip
    code, out, _ = cli(capsys, "representations", "list", "--all", *db)
    assert code == 0 and "withdrawn" in out
    code, out, _ = cli(capsys, "representations", "list", "--broker", "Nobody", *db)
    assert (code, out) == (0, "no authorities match\n")


def test_list_shows_a_page_at_a_time_and_says_how_many_there_are(capsys, db: Db) -> None:
    made = [_grant(capsys, db, broker=f"Broker {n}")["id"] for n in range(5)]
    first = _page(capsys, db)
    assert (first["total"], first["limit"], first["offset"]) == (5, 100, 0)
    assert [r["id"] for r in first["items"]] == made
    pages = [_page(capsys, db, "--limit", "2", "--offset", str(at)) for at in (0, 2, 4, 6)]
    assert [[r["id"] for r in p["items"]] for p in pages] == [made[:2], made[2:4], made[4:], []]
    assert [(p["total"], p["limit"], p["offset"]) for p in pages] == [
        (5, 2, 0), (5, 2, 2), (5, 2, 4), (5, 2, 6)]  # fmt: skip
    assert _page(capsys, db, "--broker", "Broker 3")["total"] == 1

    code, out, _ = cli(capsys, "representations", "list", "--limit", "2", *db)
    assert code == 0 and made[1] in out and made[2] not in out
    assert out.endswith("the oldest 2 of 5; --limit shows more, --offset 2 the next ones\n")
    code, out, _ = cli(capsys, "representations", "list", "--limit", "2", "--offset", "4", *db)
    assert code == 0 and made[4] in out and out.endswith("5-5 of 5\n")
    code, out, _ = cli(capsys, "representations", "list", "--offset", "9", *db)
    assert (code, out) == (0, "no authorities after the first 9 of 5\n")
    for bad in (("--limit", "0"), ("--limit", "1001"), ("--offset", "-1")):
        code, _, err = cli(capsys, "representations", "list", *bad, *db)
        assert code == 2 and bad[0] in err


def test_an_authority_past_its_end_is_listed_as_ended(
    capsys, db: Db, on_day: Callable[[date], None]
) -> None:
    on_day(date(2026, 3, 1))
    granted = _grant(capsys, db, "--until", "2026-03-31")
    assert (granted["valid_from"], granted["status"]) == ("2026-03-01", "in_force")
    on_day(date(2026, 4, 1))
    assert [r["status"] for r in _list(capsys, db)] == ["ended"]
    code, out, _ = cli(capsys, "representations", "list", *db)
    assert code == 0 and "ended" in out


def test_revoke_says_what_was_withdrawn_and_the_audit_log_has_both(capsys, db: Db) -> None:
    granted = _grant(capsys, db, "--reference", "WT-7")
    code, out, err = cli(capsys, "representations", "revoke", granted["id"], "--by", "Clerk Li",
                         *db)  # fmt: skip
    assert (code, err) == (0, "")
    assert re.fullmatch(
        rf"withdrew {granted['id']} \(Broker B for Importer A, from \d{{4}}-\d\d-\d\d until "
        r"withdrawn\) at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 by Clerk Li; running servers "
        r"refuse the broker's declarations for this importer within 30 seconds\n",
        out,
    ), out
    assert _list(capsys, db) == []
    engine = create_engine_for(db[1])
    try:
        with SqlUnitOfWork(engine, read_only=True) as uow:
            entries = uow.audit.entries()
    finally:
        engine.dispose()
    assert [(e.action, e.entity, e.actor) for e in entries] == [
        ("representation.grant", granted["id"], "operator (cli)"),
        ("representation.revoke", granted["id"], "Clerk Li"),
    ]
    assert cli(capsys, "audit", "verify", *db)[0] == 0


def test_revoke_as_json(capsys, db: Db) -> None:
    granted = _grant(capsys, db)
    code, out, err = cli(capsys, "representations", "revoke", granted["id"], *db, "--json")
    assert code == 0, err
    revoked = json.loads(out)
    assert set(revoked) == FIELDS
    assert (revoked["id"], revoked["status"], revoked["revoked_by"]) == (
        granted["id"], "withdrawn", "operator (cli)")  # fmt: skip
    assert revoked["revoked_at"].endswith("+00:00")


def test_an_unknown_or_withdrawn_id_is_one_line_and_exit_2(capsys, db: Db) -> None:
    line = _refused(capsys, "representations", "revoke", "rep_000000000000", *db)
    assert line == ("no representation rep_000000000000. Check the id (rep_...); you see only "
                    "the authorities you gave or hold.")  # fmt: skip
    granted = _grant(capsys, db)
    assert cli(capsys, "representations", "revoke", granted["id"], *db)[0] == 0
    line = _refused(capsys, "representations", "revoke", granted["id"], *db, "--json")
    assert line.startswith(f"representation {granted['id']} was already withdrawn on ")


def test_reads_never_create_a_database(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "none" / "cafta.db"
    url = f"sqlite:///{missing}"
    for argv in (("list",), ("list", "--json"), ("revoke", "rep_000000000000")):
        line = _refused(capsys, "representations", *argv, "--database", url)
        assert line == (f"there is no database at {missing}: run 'cafta db upgrade "
                        f"--database {url}' first")  # fmt: skip
    assert not missing.parent.exists()


def test_a_broker_without_authority_is_told_what_to_run(capsys, db: Db) -> None:
    line = _refused(capsys, "declare", "submit", DURIAN, *db)
    assert line.startswith(
        f"'{EXAMPLE_BROKER}' holds no authority from the importer '{EXAMPLE_IMPORTER}' to "
        "declare its goods on "
    ), line
    suggested = line.split("record its written authority: ", 1)[1]
    assert suggested == grant_command(EXAMPLE_IMPORTER, EXAMPLE_BROKER, db[1])
    argv = shlex.split(suggested)
    assert argv[:3] == ["cafta", "representations", "grant"]
    code, _, err = cli(capsys, *argv[1:])
    assert code == 0, err
    code, out, err = cli(capsys, "declare", "submit", DURIAN, *db, "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "held_for_documents"  # its Form E was never received


def test_a_withdrawn_authority_stops_the_broker_but_not_the_importer(capsys, db: Db) -> None:
    granted = _grant(capsys, db, importer=EXAMPLE_IMPORTER, broker=EXAMPLE_BROKER)
    code, out, err = cli(capsys, "declare", "submit", DURIAN, *db, "--json")
    assert code == 0, err
    lodged = json.loads(out)["id"]
    assert cli(capsys, "representations", "revoke", granted["id"], *db)[0] == 0
    line = _refused(capsys, "declare", "cancel", lodged, *db)
    assert "holds no authority" in line and "representations grant --importer" in line
    # The importer itself needs none.
    code, out, err = cli(capsys, "declare", "cancel", lodged, *db, "--as", EXAMPLE_IMPORTER,
                         "--role", "trader", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["status"] == "cancelled"


def test_the_suggested_command_is_quoted_for_a_shell() -> None:
    command = grant_command("O'Brien & Sons", "Broker $HOME", "sqlite:///x y.db")
    assert shlex.split(command) == [
        "cafta", "representations", "grant", "--importer", "O'Brien & Sons", "--broker",
        "Broker $HOME", "--database", "sqlite:///x y.db"]  # fmt: skip
    assert "--database" not in grant_command("A", "B")
    # A password is never printed, as in every other error.
    hidden = grant_command("A", "B", "postgresql://cafta:s3cret@db.internal/cafta")
    assert "s3cret" not in hidden and "postgresql://cafta:***@db.internal/cafta" in hidden
