"""The facts the deadline engine needs, read from the database for one citizen or for everybody.

One query per table for the whole scope, grouped in memory, through the caller's connection — so
that a requirement refresh inside a use case's transaction sees that transaction's own changes.
Only held conversations count towards a requirement; booked ones are read separately, for the
"next booked conversation" a worklist shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from operator import itemgetter
from typing import Any, TypeVarTuple

from sqlalchemy import Connection, Select, func, literal_column, select
from sqlmodel import col

from app.domain.dates import local_to_utc, utc_to_local
from app.domain.deadlines import CitizenFacts, ConversationFacts, OfferFacts, SpellFacts
from app.store.models import BenefitSpell, Citizen, Conversation, Offer
from app.store.row_values import id_column, not_null
from app.store.rows import cycle_collection_paused

#: Parameters per ``IN (…)`` list: below SQLite's and PostgreSQL's limits with room to spare.
CHUNK = 900


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_Columns = TypeVarTuple("_Columns")


def _scoped(query: Select[*_Columns], column: Any, ids: list[int] | None) -> Select[*_Columns]:
    return query.where(column.in_(ids)) if ids is not None else query


def _scopes(citizen_ids: Iterable[int] | None) -> list[list[int] | None]:
    if citizen_ids is None:
        return [None]
    return list(chunks(sorted(set(citizen_ids))))


#: The columns of a spell and of an offer that make their facts, in the order of the facts' fields
#: (``SpellFacts``, ``OfferFacts``), read from the tables or taken from the rows an import writes:
#: named as the fields are, but for the days a spell or an offer starts and ends.
_COLUMN_OF_FIELD = {"start": "start_date", "end": "end_date"}
SPELL_COLUMNS = tuple(_COLUMN_OF_FIELD.get(f, f) for f in SpellFacts._fields)
OFFER_COLUMNS = tuple(_COLUMN_OF_FIELD.get(f, f) for f in OfferFacts._fields)


def load_facts(conn: Connection, citizen_ids: Iterable[int] | None) -> dict[int, CitizenFacts]:
    """Citizen id -> facts for the given citizens (``None``: everybody not deleted)."""
    with cycle_collection_paused():
        return _load_facts(conn, citizen_ids)


def _load_facts(conn: Connection, citizen_ids: Iterable[int] | None) -> dict[int, CitizenFacts]:
    spells: dict[int, list[SpellFacts]] = defaultdict(list)
    conversations: dict[int, list[ConversationFacts]] = defaultdict(list)
    offers: dict[int, list[OfferFacts]] = defaultdict(list)
    births: dict[int, date] = {}
    for ids in _scopes(citizen_ids):
        citizens = select(id_column(Citizen), col(Citizen.birth_date)).where(
            col(Citizen.deleted_at).is_(None)
        )
        births.update(
            (cid, born) for cid, born in conn.execute(_scoped(citizens, id_column(Citizen), ids))
        )
        spell_query = select(
            col(BenefitSpell.citizen_id), *(col(getattr(BenefitSpell, c)) for c in SPELL_COLUMNS)
        )
        for cid, *values in conn.execute(_scoped(spell_query, col(BenefitSpell.citizen_id), ids)):
            spells[cid].append(SpellFacts(*values))
        held_query = select(
            col(Conversation.citizen_id),
            col(Conversation.held_on),
            col(Conversation.held_by),
            col(Conversation.kind),
            col(Conversation.channel),
            col(Conversation.with_a_kasse),
        ).where(col(Conversation.status) == "held", col(Conversation.held_on).is_not(None))
        for cid, held_on, held_by, kind, channel, joint in conn.execute(
            _scoped(held_query, col(Conversation.citizen_id), ids)
        ):
            conversations[cid].append(
                ConversationFacts(not_null(held_on), "held", held_by, kind, channel, bool(joint))
            )
        offer_query = select(
            col(Offer.citizen_id), *(col(getattr(Offer, c)) for c in OFFER_COLUMNS)
        ).where(col(Offer.deleted_at).is_(None))
        for cid, *values in conn.execute(_scoped(offer_query, col(Offer.citizen_id), ids)):
            offers[cid].append(OfferFacts(*values))
    return {
        cid: CitizenFacts(
            births[cid],
            tuple(citizen_spells),
            tuple(conversations.get(cid, ())),
            tuple(offers.get(cid, ())),
        )
        for cid, citizen_spells in spells.items()
        if cid in births
    }


class WrittenFacts:
    """The facts of citizens new to the database, taken from the rows an import writes for them,
    so that their requirements are computed without reading those rows back (a fifth of an
    import's requirement refresh).

    A citizen counts once ``citizen`` has named them: a new row (``deleted_at`` empty), so every
    spell, held conversation and offer they have is one the caller notes here. Each value goes
    into the database and comes back as it went in (dates, booleans, whole numbers, text, finite
    hours; a -0.0 comes back from SQLite as 0.0, which it equals), so ``take`` gives what
    ``load_facts`` would read (a test holds the two together). Equal conversations and offers,
    which recur across citizens, are kept once: memory holds the facts of every new citizen
    until the refresh.
    """

    def __init__(self) -> None:
        self._births: dict[int, date] = {}
        self._spells: dict[int, list[SpellFacts]] = defaultdict(list)
        self._conversations: dict[int, list[ConversationFacts]] = defaultdict(list)
        self._offers: dict[int, list[OfferFacts]] = defaultdict(list)
        self._same_conversations: dict[tuple[Any, ...], ConversationFacts] = {}
        self._same_offers: dict[tuple[Any, ...], OfferFacts] = {}

    def citizen(self, citizen_id: int, birth_date: date) -> None:
        """A citizen row just written (not one already in the database)."""
        self._births[citizen_id] = birth_date

    def covers(self, citizen_id: int) -> bool:
        return citizen_id in self._births

    def spells(self, rows: Iterable[dict[str, Any]]) -> None:
        """``benefit_spell`` rows as they are inserted."""
        births, by_citizen = self._births, self._spells
        for row in rows:
            if (citizen_id := row["citizen_id"]) in births:
                by_citizen[citizen_id].append(SpellFacts(*_spell_values(row)))

    def conversations(self, rows: Iterable[dict[str, Any]]) -> None:
        """``conversation`` rows as they are inserted: only held ones count (as in
        ``load_facts``)."""
        births, by_citizen, shared = self._births, self._conversations, self._same_conversations
        for row in rows:
            held_on = row["held_on"]
            if row["status"] != "held" or held_on is None:
                continue
            if (citizen_id := row["citizen_id"]) in births:
                key = _conversation_key(row)
                facts = shared.get(key)
                if facts is None:
                    facts = shared[key] = ConversationFacts(
                        held_on, "held", key[1], key[2], key[3], bool(key[4])
                    )
                by_citizen[citizen_id].append(facts)

    def offers(self, rows: Iterable[dict[str, Any]]) -> None:
        """``offer`` rows as they are inserted (not deleted: new rows)."""
        births, by_citizen, shared = self._births, self._offers, self._same_offers
        for row in rows:
            if (citizen_id := row["citizen_id"]) in births:
                key = _offer_values(row)
                facts = shared.get(key)
                if facts is None:
                    facts = shared[key] = OfferFacts(*key)
                by_citizen[citizen_id].append(facts)

    def take(self, citizen_ids: Iterable[int]) -> dict[int, CitizenFacts]:
        """Citizen id -> facts for those of ``citizen_ids`` it covers that have a spell (as
        ``load_facts`` gives them), in the order asked; what is taken is let go."""
        found = {}
        for cid in citizen_ids:
            spells = self._spells.pop(cid, None)
            conversations = self._conversations.pop(cid, ())
            offers = self._offers.pop(cid, ())
            if spells and cid in self._births:
                found[cid] = CitizenFacts(
                    self._births[cid], tuple(spells), tuple(conversations), tuple(offers)
                )
        return found


_spell_values = itemgetter(*SPELL_COLUMNS)
_offer_values = itemgetter(*OFFER_COLUMNS)
_conversation_key = itemgetter("held_on", "held_by", "kind", "channel", "with_a_kasse")


def next_booked(
    conn: Connection, citizen_ids: Iterable[int] | None, as_of: date
) -> dict[int, datetime]:
    """Citizen id -> the next booked conversation on or after ``as_of`` (local wall-clock time).

    The status is a literal so that SQLite can use the partial index of booked conversations.
    """
    since = local_to_utc(datetime.combine(as_of, time()))
    booked: dict[int, datetime] = {}
    local: dict[Any, datetime] = {}  # bookings fall on a few thousand distinct times
    for ids in _scopes(citizen_ids):
        query = (
            select(col(Conversation.citizen_id), func.min(col(Conversation.scheduled_at)))
            .where(literal_column("status") == literal_column("'planned'"))
            .where(col(Conversation.scheduled_at) >= since)
            .group_by(col(Conversation.citizen_id))
        )
        # Raw values (SQLite: ISO text in UTC; PostgreSQL: aware datetimes), converted once each.
        # the drivers' cursors iterate (PEP 249 leaves it optional, so its type does not say)
        cursor: Any = conn.execute(_scoped(query, col(Conversation.citizen_id), ids)).cursor
        for cid, raw in cursor:
            shown = local.get(raw)
            if shown is None:
                instant = raw if isinstance(raw, datetime) else datetime.fromisoformat(raw)
                shown = local[raw] = utc_to_local(instant)
            booked[cid] = shown
    return booked
