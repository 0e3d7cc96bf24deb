"""The agenda's keys and tally kept true: read what a write touched, compute with the rules, store.

Every request carries two keys, what its dates read and what its consent reads
(rules.agenda.agenda_keys, the one definition), and the tally counts the requests per key, so
`prs due` reads one row per kind of request however long the log. Nothing in SQL keeps them:
each write calls `refresh` in its own transaction, with the requests it can affect:

    with transaction(conn):                      # the write's transaction (joined, not nested)
        stored = repo.add(record, by=who)        # any write to requests: add, import, submit,
        refresh(conn, near(conn, requests=[stored.id]))  # outcome, withdraw, reject

    with transaction(conn):                      # a write to consents or their ties: record
        stored = consents.record(conn, ...)
        refresh(conn, near(conn, consents=[stored.id]))

    with transaction(conn):                      # a write that can move a consent away from
        before = near(conn, consents=[consent_id])   # requests (a purge blanks the candidate):
        consents.purge(conn, consent_id, ...)        # the requests near it before as well
        refresh(conn, before | near(conn, consents=[consent_id]))

Derived data can always be rebuilt from the rows: `rebuild` counts everything afresh (schema 4
calls it), and `ensure_current` rebuilds when the stored keys were computed by another version
of the rules (rules.agenda.AGENDA_RULES_VERSION), before the tally is read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from prs_cli.store.agenda import AGENDA_KEYS as DERIVED  # the name the rules' version is stored under
BATCH = 5000  # requests computed at once: memory stays bounded on a long log


def near(conn: sqlite3.Connection, *, requests: Iterable[int] = (), consents: Iterable[int] = ()) -> set[int]:
    """The ids of every request whose keys a write to these requests or consents (or their ties
    to requests) can change, found by plain relations: the requests themselves, what they follow
    and what follows them; a consent's tied requests and their followers, and its candidate's
    requests in its series. For a write that can move these relations (a consent's candidate or
    ties, a request's candidate, series or what it follows), call it before the write as well and
    refresh both sets."""
    from prs_cli.store import agenda as store

    found: set[int] = set()
    requests, consents = list(requests), list(consents)
    if requests:
        found |= store.requests_near(conn, requests)
    if consents:
        found |= store.requests_near_consents(conn, consents)
    return found


def refresh(conn: sqlite3.Connection, request_ids: Iterable[int]) -> None:
    """Recompute the agenda keys of these requests with the rules and move them in the tally.

    Call inside the write's transaction, after the write, with every request it can affect
    (`near`); ids no longer in the log are taken out of the tally. Keys that come out the same
    cost one read."""
    from prs_cli.rules.agenda import agenda_keys
    from prs_cli.store import agenda as store
    from prs_cli.store.consents import for_requests

    ids = sorted(set(request_ids))
    for start in range(0, len(ids), BATCH):
        chosen = ids[start:start + BATCH]
        requests, priors, appealed = store.key_inputs(conn, chosen)
        consents = for_requests(conn, requests)
        keys = {
            r.id: agenda_keys(
                r,
                priors.get(r.follows_request) if r.follows_request is not None else None,
                r.id in appealed,
                consents[r.id],
            )
            for r in requests
        }
        store.write_keys(conn, keys, gone=set(chosen) - keys.keys())


def rebuild(conn: sqlite3.Connection) -> None:
    """Every key and the whole tally counted afresh from the rows, stamped with the rules'
    version. Call inside a transaction (a migration's, or ensure_current's)."""
    from prs_cli.rules.agenda import AGENDA_RULES_VERSION
    from prs_cli.store import agenda as store

    store.clear_keys(conn)
    refresh(conn, store.all_request_ids(conn))
    store.set_rules_version(conn, DERIVED, AGENDA_RULES_VERSION)


def ensure_current(conn: sqlite3.Connection) -> None:
    """Before the tally is read: rebuild it (in the write lock) if these rules are not the ones
    that computed it. One small read when they are."""
    from prs_cli.rules.agenda import AGENDA_RULES_VERSION
    from prs_cli.store import agenda as store
    from prs_cli.store.db import transaction

    if store.rules_version(conn, DERIVED) == AGENDA_RULES_VERSION:
        return
    with transaction(conn):
        if store.rules_version(conn, DERIVED) != AGENDA_RULES_VERSION:  # another prs may have done it meanwhile
            rebuild(conn)
