"""The database: owner-only file, ordered migrations, one transaction per change.

Journal mode stays the default rollback journal (not WAL): school networks often keep home
folders on a network share, where WAL is unsafe. Writers queue on SQLite's lock for up to
PRS_BUSY_TIMEOUT seconds (default 10) before a clear "busy" message.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prs_cli.errors import StorageError
from prs_cli.paths import private_file

Migration = Callable[[sqlite3.Connection], None]


def _v1_initial(conn: sqlite3.Connection) -> None:
    statements = [
        """CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('draft','submitted','completed','withdrawn','rejected')),
            series TEXT,
            awarding_body TEXT NOT NULL,
            qualification TEXT NOT NULL,
            service TEXT NOT NULL,
            component TEXT NOT NULL,
            candidate TEXT,
            name TEXT,
            uci TEXT,
            private_candidate INTEGER NOT NULL DEFAULT 0,
            subject TEXT,
            original_mark INTEGER,
            original_grade TEXT,
            fee TEXT,
            note TEXT,
            late_reason TEXT,
            results_released TEXT,
            follows_request INTEGER REFERENCES requests(id),
            created_at TEXT NOT NULL,
            created_by TEXT,
            received_on TEXT,
            sample_received_on TEXT,
            board_reference TEXT,
            submitted_by TEXT,
            outcome_on TEXT,
            mark_after INTEGER,
            grade_after TEXT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('up','down','unchanged')),
            fee_refunded INTEGER,
            closed_reason TEXT
        )""",
        # The same candidate, component, service and series may be logged once while it stands.
        """CREATE UNIQUE INDEX requests_once ON requests (
            coalesce(candidate, ''), component, service, coalesce(series, ''), awarding_body
        ) WHERE status NOT IN ('withdrawn', 'rejected')""",
        "CREATE INDEX requests_status ON requests (status)",
        "CREATE INDEX requests_candidate ON requests (candidate)",
        """CREATE TABLE consents (
            id INTEGER PRIMARY KEY,
            candidate TEXT,
            series TEXT,
            given_on TEXT NOT NULL,
            given_at TEXT,
            method TEXT NOT NULL CHECK (method IN ('form','email')),
            given_by TEXT NOT NULL,
            covers TEXT NOT NULL,
            acknowledged_outcomes INTEGER NOT NULL,
            classroom_use INTEGER,
            anonymise INTEGER,
            note TEXT,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT,
            purged_at TEXT
        )""",
        "CREATE INDEX consents_candidate ON consents (candidate)",
        """CREATE TABLE consent_requests (
            consent_id INTEGER NOT NULL REFERENCES consents(id),
            request_id INTEGER NOT NULL REFERENCES requests(id),
            PRIMARY KEY (consent_id, request_id)
        )""",
        # The audit trail: who changed what, when. `details` is JSON of codes, dates and
        # statuses only, so it can outlive a purge of the personal fields.
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            by TEXT,
            action TEXT NOT NULL,
            request_id INTEGER REFERENCES requests(id),
            consent_id INTEGER REFERENCES consents(id),
            details TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX events_request ON events (request_id)",
        "CREATE INDEX events_consent ON events (consent_id)",
    ]
    for statement in statements:
        conn.execute(statement)


def _v2_agenda_indexes(conn: sqlite3.Connection) -> None:
    """Indexes for the reporting commands (store/agenda.py), so `prs due` and `prs status` read
    only what they need: ties by request, followers, outcomes and consents old enough for
    disposal, a series' counts.

    requests_agenda holds every field the agenda groups on, in that order: SQLite groups by
    walking it, without touching or sorting the table."""
    conn.execute(
        "CREATE INDEX requests_agenda ON requests (status, series, awarding_body, qualification, service, "
        "results_released, outcome_on, received_on, sample_received_on, follows_request)"
    )
    conn.execute("CREATE INDEX requests_follows ON requests (follows_request) WHERE follows_request IS NOT NULL")
    conn.execute("CREATE INDEX requests_outcome ON requests (outcome_on) WHERE outcome_on IS NOT NULL")
    conn.execute("CREATE INDEX consent_requests_request ON consent_requests (request_id, consent_id)")
    conn.execute("CREATE INDEX consents_kept ON consents (given_on) WHERE purged_at IS NULL")
    # `prs status` counts a series by these, in this order
    conn.execute(
        "CREATE INDEX requests_by_series ON requests (series, status, awarding_body, service, outcome, fee, fee_refunded)"
    )


def _v3_agenda_tally(conn: sqlite3.Connection) -> None:
    """The agenda kept as a tally, so `prs due` reads one row per kind of request instead of
    every request (what it reads first in each row, the key and the ids, which may run long,
    last, so reading a row never walks the pages its ids overflow into): each request carries
    its two agenda keys (rules.agenda.agenda_keys) and agenda_tally counts the requests per key.

    The one deliberate edit to a released step: as released, this step also created ten
    triggers that computed the keys in SQL and filled them in. No trigger may hold a rule now,
    so it creates none and leaves the keys empty; schema 4 (which every database at 3 or below
    runs next, in the same transaction) drops any triggers a released prs made and computes the
    keys and the tally with the rules. A database that ran the released step ends exactly where
    a new one does."""
    conn.execute("DROP INDEX requests_agenda")  # the agenda no longer groups the requests themselves
    conn.execute("ALTER TABLE requests ADD COLUMN dates_key TEXT")
    conn.execute("ALTER TABLE requests ADD COLUMN consent_key TEXT")
    conn.execute(
        """CREATE TABLE agenda_tally (
            requests INTEGER NOT NULL,
            first_id INTEGER NOT NULL,
            part TEXT, status TEXT, series TEXT, awarding_body TEXT, qualification TEXT, service TEXT, results_released TEXT, received_on TEXT, sample_received_on TEXT, outcome_on TEXT, prior_outcome TEXT, consents TEXT,
            key TEXT NOT NULL UNIQUE,
            ids TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX agenda_tally_by_status ON agenda_tally (part, status, outcome_on)")


def _v4_keys_by_the_rules(conn: sqlite3.Connection) -> None:
    """The agenda keys and tally computed by the rules in Python, in the transaction of each
    write (service/agenda_keys.py), instead of by triggers: the triggers schema 3 made go, and
    `derived` records which version of the rules computed what is stored, so that a prs whose
    rules read a request differently (or, just after this step, any prs) rebuilds it before
    trusting it."""
    for statement in (
        "DROP TRIGGER IF EXISTS agenda_request_added",
        "DROP TRIGGER IF EXISTS agenda_request_changed",
        "DROP TRIGGER IF EXISTS agenda_request_gone",
        "DROP TRIGGER IF EXISTS agenda_consent_added",
        "DROP TRIGGER IF EXISTS agenda_consent_changed",
        "DROP TRIGGER IF EXISTS agenda_consent_gone",
        "DROP TRIGGER IF EXISTS agenda_tie_added",
        "DROP TRIGGER IF EXISTS agenda_tie_gone",
        "DROP TRIGGER IF EXISTS agenda_tally_dates_key",
        "DROP TRIGGER IF EXISTS agenda_tally_consent_key",
        "DROP TRIGGER IF EXISTS agenda_tally_forget",
        "CREATE TABLE derived (name TEXT PRIMARY KEY, rules_version INTEGER NOT NULL)",
    ):
        conn.execute(statement)
    # No version is recorded yet: the keys are the rules' to compute, in Python, so
    # service.agenda_keys.ensure_current rebuilds them all before the tally is next read.


def _v5_checklist(conn: sqlite3.Connection) -> None:
    """The checklist's ticks (store/checklist.py): one row per series and task done, with when
    and by whom; undoing a task deletes its row. Both are in the audit trail (events)."""
    conn.execute(
        """CREATE TABLE checklist_done (
            series TEXT NOT NULL,
            key TEXT NOT NULL,
            done_at TEXT NOT NULL,
            done_by TEXT,
            note TEXT,
            PRIMARY KEY (series, key)
        )"""
    )


def _v6_results(conn: sqlite3.Connection) -> None:
    """Results broadsheets and grade boundaries (store/results.py), for `prs triage`.

    A result is named in its series by board, qualification, component and candidate (a
    qualification-level result, component '', by its subject): component_key and subject_key
    hold those folded, so a revised file finds the row it revises. Results are personal data,
    purged with `prs results purge`; boundaries are not, and stay."""
    statements = [
        """CREATE TABLE results (
            id INTEGER PRIMARY KEY,
            series TEXT NOT NULL,
            candidate TEXT NOT NULL,
            name TEXT,
            uci TEXT,
            awarding_body TEXT NOT NULL,
            qualification TEXT NOT NULL,
            subject TEXT,
            component TEXT NOT NULL DEFAULT '',
            component_key TEXT NOT NULL DEFAULT '',
            subject_key TEXT NOT NULL DEFAULT '',
            mark INTEGER NOT NULL CHECK (mark >= 0),
            max_mark INTEGER,
            grade TEXT,
            imported_at TEXT NOT NULL,
            revised_at TEXT
        )""",
        """CREATE UNIQUE INDEX results_once ON results (
            series, awarding_body, qualification, component_key, subject_key, candidate
        )""",
        # prs triage reads only the results a few marks below a boundary, by a range of marks
        "CREATE INDEX results_by_mark ON results (series, awarding_body, qualification, component_key, subject_key, mark)",
        # and counts the rest by what finding their boundaries reads, from the index alone
        "CREATE INDEX results_by_kind ON results (series, awarding_body, qualification, component, subject)",
        """CREATE TABLE boundaries (
            series TEXT NOT NULL,
            awarding_body TEXT NOT NULL,
            qualification TEXT NOT NULL,
            subject TEXT,
            component TEXT NOT NULL DEFAULT '',
            component_key TEXT NOT NULL DEFAULT '',
            subject_key TEXT NOT NULL DEFAULT '',
            rank INTEGER NOT NULL,
            grade TEXT NOT NULL,
            mark INTEGER NOT NULL CHECK (mark >= 0),
            max_mark INTEGER,
            scale TEXT,
            imported_at TEXT NOT NULL,
            PRIMARY KEY (series, awarding_body, qualification, component_key, subject_key, rank)
        )""",
    ]
    for statement in statements:
        conn.execute(statement)


def _v7_decisions_and_resits(conn: sqlite3.Connection) -> None:
    """Appeals against a decision (malpractice, access arrangements, special consideration) run
    from the decision's date, kept in `decided_on`; and a request is the same request only with
    the same results release and decision, so a Cambridge English re-sit (a new results release)
    is a new request, not a duplicate. The agenda keys read `decided_on`: the rules' version
    changed with them, so service.agenda_keys.ensure_current counts them afresh."""
    conn.execute("ALTER TABLE requests ADD COLUMN decided_on TEXT")
    conn.execute("DROP INDEX requests_once")
    conn.execute(
        """CREATE UNIQUE INDEX requests_once ON requests (
            coalesce(candidate, ''), component, service, coalesce(series, ''), awarding_body,
            coalesce(results_released, ''), coalesce(decided_on, '')
        ) WHERE status NOT IN ('withdrawn', 'rejected')"""
    )


def _v8_late_agreed(conn: sqlite3.Connection) -> None:
    """The agenda tells a draft logged late with a reason (agreed with the board) from one left
    late: the tally keeps that flag of a draft's dates key. The agenda rules' version moves on
    with it, so every key and the tally are rebuilt before they are next read."""
    conn.execute("ALTER TABLE agenda_tally ADD COLUMN late_agreed INTEGER")


# Ordered; never edit a released one, append a new function instead. Each one's SQL is literal
# text (no value from a live constant), so what a released migration does never changes; keep a
# database made by each release in tests/fixtures/ (tests/test_migrations.py migrates them all).
MIGRATIONS: list[Migration] = [
    _v1_initial, _v2_agenda_indexes, _v3_agenda_tally, _v4_keys_by_the_rules, _v5_checklist, _v6_results,
    _v7_decisions_and_resits, _v8_late_agreed,
]
SCHEMA_VERSION = len(MIGRATIONS)


def now_utc() -> str:
    """The audit trail's timestamp, as stored."""
    from prs_cli.clock import now_utc as now

    return now().isoformat()


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("PRS_BUSY_TIMEOUT", "10")))
    except ValueError:
        return 10.0


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (creating owner-only if asked) and migrate the database at `path`."""
    private_file(path, "the database")  # refused if another user could change it
    try:
        exists, folder = path.exists(), path.is_dir()
    except OSError as exc:  # a folder that cannot be searched, a name too long for the system
        raise StorageError(f"cannot open the database at {path} ({exc.strerror})") from None
    if not exists:
        if not create:
            raise StorageError(f"no database at {path}; log a request first with 'prs request add'")
        _create_private(path)
    elif folder:
        raise StorageError(f"{path} is a folder, not a prs database")
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout(), isolation_level=None)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted and overwritten content is zeroed in the file, whatever the build's default:
        # a purged consent's note must not stay readable in free pages.
        conn.execute("PRAGMA secure_delete = ON")
        _migrate(conn, path)
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, path) from None
    except StorageError:
        conn.close()
        raise
    return conn


def _create_private(path: Path) -> None:
    from prs_cli.paths import ensure_private_dir

    try:
        ensure_private_dir(path.parent)
    except OSError as exc:
        raise StorageError(f"cannot create the folder for the database at {path} ({exc.strerror})") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another prs created it a moment ago
    except OSError as exc:
        raise StorageError(f"cannot create the database at {path} ({exc.strerror})") from None
    os.close(fd)


TABLES = {"requests", "consents", "consent_requests", "events"}


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version:
        # Cheap sanity check (reads the schema page only): a damaged file fails here, before
        # any command trusts it, instead of half-way through.
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not TABLES <= names:
            raise sqlite3.DatabaseError("database disk image is malformed")
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{path} was written by a newer prs (schema {version}, this prs knows {SCHEMA_VERSION}); "
            "upgrade prs to use it; the file was not changed"
        )
    if version == SCHEMA_VERSION:
        return
    with transaction(conn, path):
        # Re-read inside the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            migration(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        fresh = version == 0 and conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'derived'").fetchone()
        if fresh:  # a new, empty log: its (no) agenda keys are those of the rules in force
            from prs_cli.rules.agenda import AGENDA_RULES_VERSION
            from prs_cli.store.agenda import AGENDA_KEYS, set_rules_version

            set_rules_version(conn, AGENDA_KEYS, AGENDA_RULES_VERSION)


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT: all of a change or none of it, even if the process dies.

    Inside a transaction already open on `conn` it joins that one: a write and what it derives
    (the agenda keys) commit together, and a failure anywhere rolls back the outer one whole."""
    if conn.in_transaction:
        yield conn
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from None
    try:
        yield conn
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.IntegrityError):
            raise  # the repositories turn constraint failures into their own sentences
        raise storage_error(exc, path) from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise storage_error(exc, path) from None


def storage_error(exc: sqlite3.Error, path: Path | None = None) -> StorageError:
    """One sentence for each way SQLite can fail; used by every repository."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "locked" in text or "busy" in text:
        return StorageError(
            f"the database{where} is busy: another prs kept it locked for {busy_timeout():g} s; "
            "nothing was saved, try again"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"the database{where} is damaged or is not a prs database; it was left untouched. "
            "Restore it from a backup or move it aside"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StorageError(f"the database{where} cannot be written (read-only file or folder); nothing was saved")
    if "full" in text:
        return StorageError(f"the disk holding the database{where} is full; nothing was saved")
    return StorageError(f"the database{where} could not be used ({type(exc).__name__}); nothing was saved")
