"""The `hagshama` command line: the console script in a child process as a user starts it,
the other commands in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.catalog_import import DEMO_CATALOG
from tests.support import SCRIPTS, hagshama, hagshama_process, says, verify_dialog


@pytest.mark.slow
def test_foundation_script_shows_menu_language_switch_and_opt_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    script = str(SCRIPTS / "foundation.txt")
    result = hagshama_process("chat", "--script", script, database_url=url)
    assert result.returncode == 0, result.stderr
    verify_dialog(
        result.stdout,
        [
            says("/start", "ברוכים הבאים", "1. 🧭 גילוי מסלולי הגשמה"),
            says("/menu", "תפריט ראשי"),
            says("/language en", "in English"),
            says("/menu", "Main menu", "2. 📅 Upcoming events"),
            says("הסר", "you won't receive any more bulletins"),
        ],
    )


def test_db_upgrade_and_catalog_import_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert hagshama("db", "upgrade", database_url=url).returncode == 0
    catalog = str(Path(__file__).parents[2] / "models" / "data" / "demo_catalog.yaml")
    first = hagshama("catalog", "import", catalog, database_url=url)
    second = hagshama("catalog", "import", catalog, database_url=url)
    assert first.returncode == second.returncode == 0
    assert "created {" in first.stdout and "updated nothing" in first.stdout
    assert "created nothing" in second.stdout


def test_bad_catalogue_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - slug: x\n    title: {he: א}\n", encoding="utf-8")
    result = hagshama("catalog", "import", str(bad), database_url=f"sqlite:///{tmp_path}/c.db")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "starts_at" in result.stderr


def test_malformed_setting_stops_with_the_key_named(tmp_path: Path) -> None:
    result = hagshama("db", "upgrade", database_url="mysql+nothing://")
    assert result.returncode == 2
    assert result.stderr.startswith("hagshama: DATABASE_URL")


def test_coordinators_are_appointed_listed_and_removed_from_the_command_line(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert hagshama("catalog", "import", str(DEMO_CATALOG), database_url=url).returncode == 0
    granted = hagshama(
        "admin", "grant", "--phone", "050-123-4567", "--region", "north", database_url=url
    )
    assert granted.returncode == 0, granted.stderr
    assert "regional coordinator" in granted.stdout
    listed = hagshama("admin", "list", database_url=url)
    assert "+972501234567" in listed.stdout and "north" in listed.stdout

    nonsense = ("--region", "nort", "--track", "nahal")
    refused = hagshama("admin", "grant", "--phone", "0501234567", *nonsense, database_url=url)
    assert refused.returncode == 2
    assert "unknown region nort (known: abroad, center, north, south)" in refused.stderr
    assert "unknown track nahal (known:" in refused.stderr and "nahal-kibbutz" in refused.stderr
    more = ("--region", "south", "--track", "nahal-kibbutz")
    added = hagshama("admin", "grant", "--phone", "0501234567", *more, database_url=url)
    assert added.returncode == 0 and "north, south, nahal-kibbutz" in added.stdout
    narrowed = hagshama(
        "admin", "revoke", "--phone", "0501234567", "--region", "north", database_url=url
    )
    assert narrowed.returncode == 0 and "now coordinates: south, nahal-kibbutz" in narrowed.stdout
    assert hagshama("admin", "revoke", "--phone", "0501234567", database_url=url).returncode == 0
    again = hagshama("admin", "revoke", "--phone", "0501234567", database_url=url)
    assert again.returncode == 1 and "no role" in again.stdout
    assert hagshama("admin", "list", database_url=url).stdout == ""


def test_a_grant_without_reach_or_a_bad_phone_is_one_clear_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    vague = hagshama("admin", "grant", "--telegram", "12345", database_url=url)
    assert vague.returncode == 2 and "--national" in vague.stderr
    bad = hagshama("admin", "grant", "--phone", "hello", "--national", database_url=url)
    assert bad.returncode == 2 and "not a phone number" in bad.stderr


def test_a_console_user_can_be_made_a_coordinator_to_try_the_tools(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    granted = hagshama("admin", "grant", "--console", "dana", "--national", database_url=url)
    assert granted.returncode == 0, granted.stderr
    script = tmp_path / "admin.txt"
    script.write_text("/admin\n", encoding="utf-8")
    as_dana = hagshama("chat", "--user", "dana", "--script", str(script), database_url=url)
    assert "כלי רכזים" in as_dana.stdout and "ארצית" in as_dana.stdout
    as_other = hagshama("chat", "--user", "noa", "--script", str(script), database_url=url)
    assert "לרכזים בלבד" in as_other.stdout
