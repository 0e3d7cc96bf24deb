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


# What the agenda reads of one request (`requests` is the row keyed), as two JSON texts, each
# ["part", status, series, awarding_body, qualification, service, results_released, received_on,
# sample_received_on, outcome_on, prior_outcome(, consents)] with only the fields that part
# reads, so requests alike in them share a key and the agenda reads one row per key.
# Dates (rules.agenda): a draft's board deadline, a submitted request's completion target, a
# completed review's appeal window (none while an appeal stands). Consent (every request not
# withdrawn or rejected: `prs due` reads the open ones, `prs consent check` all): the
# terms of every consent that applies (tied to it or to the review it follows, or untied for
# its candidate and series: rules.consent.applies_to), in the order recorded, without ids,
# names or free text (who gave it: the candidate or someone else, as a purge keeps it); and, for
# a draft, what its deadline reads (consent is needed by then).
# The key's fields, kept apart in the tally too so that reading it parses nothing.
TALLY_FIELDS = (
    "part", "status", "series", "awarding_body", "qualification", "service", "results_released", "received_on",
    "sample_received_on", "outcome_on", "prior_outcome", "consents",
)
_PRIOR = "(SELECT p.outcome_on FROM requests p WHERE p.id = requests.follows_request)"
# In the order of the consents table's columns, so store.agenda reads them back as consent rows.
_CONSENT_TERMS = """json((SELECT json_group_array(json_array(c.given_on, c.given_at, c.method,
        CASE WHEN lower(trim(c.given_by)) = 'candidate' THEN 'candidate' ELSE 'other' END, c.covers,
                                      c.acknowledged_outcomes, c.classroom_use, c.anonymise))
    FROM (SELECT * FROM consents c WHERE c.id IN (
            SELECT t.consent_id FROM consent_requests t WHERE t.request_id IN (requests.id, requests.follows_request)
            UNION ALL
            SELECT u.id FROM consents u WHERE u.candidate = requests.candidate AND u.series IS requests.series
                AND NOT EXISTS (SELECT 1 FROM consent_requests x WHERE x.consent_id = u.id))
          ORDER BY c.id) c))"""
DATES_KEY = f"""CASE requests.status
WHEN 'draft' THEN json_array('dates', 'draft', requests.series, requests.awarding_body, requests.qualification,
    requests.service, requests.results_released, NULL, NULL, NULL, {_PRIOR})
WHEN 'submitted' THEN json_array('dates', 'submitted', NULL, requests.awarding_body, NULL, requests.service, NULL,
    requests.received_on, requests.sample_received_on, NULL, NULL)
WHEN 'completed' THEN CASE WHEN requests.outcome_on IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM requests a WHERE a.follows_request = requests.id AND a.service = 'APP1'
            AND a.status NOT IN ('withdrawn', 'rejected'))
    THEN json_array('dates', 'completed', NULL, requests.awarding_body, requests.qualification, requests.service, NULL,
        NULL, NULL, requests.outcome_on, NULL) END
END"""
CONSENT_KEY = f"""CASE WHEN requests.status IN ('draft', 'submitted', 'completed') THEN json_array('consent', requests.status,
    requests.series, requests.awarding_body, requests.qualification, requests.service, requests.results_released,
    NULL, NULL, NULL, CASE requests.status WHEN 'draft' THEN {_PRIOR} END, {_CONSENT_TERMS}) END"""


def rekey(where: str) -> str:
    """The statement that sets both agenda keys afresh on the requests `where` selects."""
    return f"UPDATE requests SET dates_key = {DATES_KEY}, consent_key = {CONSENT_KEY} WHERE {where}"


_IDS_WITHOUT_OLD = "trim(replace(',' || ids || ',', ',' || OLD.id || ',', ','), ',')"


def _untally(column: str) -> str:
    """Statements that take OLD out of the tally row of its key in `column` (its lowest id found
    again from the rest when OLD had it; a row left with none goes)."""
    return f"""UPDATE agenda_tally SET requests = requests - 1, ids = {_IDS_WITHOUT_OLD},
            first_id = CASE WHEN first_id = OLD.id
                THEN coalesce((SELECT min(value) FROM json_each('[' || {_IDS_WITHOUT_OLD} || ']')), first_id) ELSE first_id END
            WHERE key = OLD.{column};
        DELETE FROM agenda_tally WHERE key = OLD.{column} AND requests = 0;"""


# Whose key a change can move: the request itself, the request it follows (an appeal standing or
# not), the requests that follow it (the outcome they follow); for a consent, its candidate's
# requests in its series and the requests it is tied to, with their followers.
_FOLLOWERS_OF_TIED = "follows_request IN (SELECT request_id FROM consent_requests WHERE consent_id = {c})"
_NEAR_CONSENT = (
    "(candidate = {who} AND series IS {series}) OR id IN (SELECT request_id FROM consent_requests WHERE consent_id = {c}) OR "
    + _FOLLOWERS_OF_TIED
)
_AGENDA_TRIGGERS = [
    f"""CREATE TRIGGER agenda_request_added AFTER INSERT ON requests BEGIN
        {rekey("id IN (NEW.id, NEW.follows_request)")};
    END""",
    f"""CREATE TRIGGER agenda_request_changed AFTER UPDATE OF status, series, awarding_body, qualification, service,
        candidate, results_released, received_on, sample_received_on, outcome_on, follows_request ON requests BEGIN
        {rekey("id IN (NEW.id, OLD.follows_request, NEW.follows_request) OR follows_request = NEW.id")};
    END""",
    f"""CREATE TRIGGER agenda_request_gone AFTER DELETE ON requests BEGIN
        {rekey("id = OLD.follows_request OR follows_request = OLD.id")};
    END""",
    f"""CREATE TRIGGER agenda_consent_added AFTER INSERT ON consents BEGIN
        {rekey(_NEAR_CONSENT.format(who="NEW.candidate", series="NEW.series", c="NEW.id"))};
    END""",
    f"""CREATE TRIGGER agenda_consent_changed AFTER UPDATE ON consents BEGIN
        {rekey(_NEAR_CONSENT.format(who="OLD.candidate", series="OLD.series", c="NEW.id")
               + " OR (candidate = NEW.candidate AND series IS NEW.series)")};
    END""",
    f"""CREATE TRIGGER agenda_consent_gone AFTER DELETE ON consents BEGIN
        {rekey("candidate = OLD.candidate AND series IS OLD.series")};
    END""",
    f"""CREATE TRIGGER agenda_tie_added AFTER INSERT ON consent_requests BEGIN
        {rekey("id = NEW.request_id OR follows_request = NEW.request_id OR id IN ("
               "SELECT r.id FROM requests r JOIN consents c ON r.candidate = c.candidate AND r.series IS c.series "
               "WHERE c.id = NEW.consent_id)")};
    END""",
    f"""CREATE TRIGGER agenda_tie_gone AFTER DELETE ON consent_requests BEGIN
        {rekey("id = OLD.request_id OR follows_request = OLD.request_id OR id IN ("
               "SELECT r.id FROM requests r JOIN consents c ON r.candidate = c.candidate AND r.series IS c.series "
               "WHERE c.id = OLD.consent_id)")};
    END""",
    # The tally follows each request's keys: one row per key with how many and which requests.
    *(
        f"""CREATE TRIGGER agenda_tally_{column} AFTER UPDATE OF {column} ON requests
            WHEN OLD.{column} IS NOT NEW.{column} BEGIN
            {_untally(column)}
            INSERT INTO agenda_tally (key, {", ".join(TALLY_FIELDS)}, requests, first_id, ids)
                SELECT NEW.{column}, {", ".join(f"json_extract(NEW.{column}, '$[{i}]')" for i in range(len(TALLY_FIELDS)))},
                    1, NEW.id, NEW.id
                WHERE NEW.{column} IS NOT NULL
                ON CONFLICT (key) DO UPDATE SET requests = requests + 1, first_id = min(first_id, excluded.first_id),
                    ids = ids || ',' || excluded.ids;
        END"""
        for column in ("dates_key", "consent_key")
    ),
    f"""CREATE TRIGGER agenda_tally_forget AFTER DELETE ON requests BEGIN
        {_untally("dates_key")}
        {_untally("consent_key")}
    END""",
]


def _v3_agenda_tally(conn: sqlite3.Connection) -> None:
    """The agenda kept as a tally, so `prs due` reads one row per kind of request instead of
    every request (what it reads first in each row, the key and the ids, which may run long,
    last, so reading a row never walks the pages its ids overflow into): each request carries its two agenda keys (DATES_KEY, CONSENT_KEY) and
    agenda_tally counts the requests per key. Triggers keep both true on every change,
    whichever command makes it, inside the change's own transaction."""
    conn.execute("DROP INDEX requests_agenda")  # the agenda no longer groups the requests themselves
    conn.execute("ALTER TABLE requests ADD COLUMN dates_key TEXT")
    conn.execute("ALTER TABLE requests ADD COLUMN consent_key TEXT")
    conn.execute(
        f"""CREATE TABLE agenda_tally (
            requests INTEGER NOT NULL,
            first_id INTEGER NOT NULL,
            {", ".join(f"{name} TEXT" for name in TALLY_FIELDS)},
            key TEXT NOT NULL UNIQUE,
            ids TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX agenda_tally_by_status ON agenda_tally (part, status, outcome_on)")
    for statement in _AGENDA_TRIGGERS:
        conn.execute(statement)
    conn.execute(rekey("1"))


# Ordered; never edit a released one, append a new function instead.
MIGRATIONS: list[Migration] = [_v1_initial, _v2_agenda_indexes, _v3_agenda_tally]
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


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT: all of a change or none of it, even if the process dies."""
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
