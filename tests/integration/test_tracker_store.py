"""The windowed tracker store against Rasa's own SQL store, on SQLite and PostgreSQL.

Each test writes a conversation through the windowed store and reads it back both windowed and
whole (Rasa's SQLTrackerStore over the same table), then compares what the policies and actions
see: slots, form, pause, latest message and the last states the policies read.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url

from bot.tracker_store import (
    MIN_WINDOW_TURNS,
    PERSISTED,
    WindowedSQLTrackerStore,
    is_opening,
)

ROOT = Path(__file__).resolve().parents[2]
WINDOW = 10


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(request, tmp_path, domain):
    """(windowed store, Rasa's store) over the same events table."""
    if request.param == "sqlite":
        config = {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    else:
        url = make_url(request.getfixturevalue("module_postgres_database"))
        config = {
            "dialect": "postgresql", "host": url.host, "port": url.port,
            "db": url.database, "username": url.username,
        }  # fmt: skip
    windowed = WindowedSQLTrackerStore(domain=domain, window_turns=WINDOW, **config)
    rasa = SQLTrackerStore(domain=domain, **config)
    yield windowed, rasa
    with windowed.session_scope() as session:  # PostgreSQL: the table outlives the test
        session.query(windowed.SQLEvent).delete()
        session.commit()
    windowed.engine.dispose()
    rasa.engine.dispose()


def run(coro):
    return asyncio.run(coro)


INTENTS = ["greet", "inform", "ask_scheme", "affirm", "deny", "ask_course_info", "nlu_fallback"]


def turn(rng: random.Random, number: int, domain: Domain) -> list:
    """One turn: the person speaks, slots change, the bot acts and answers, then listens."""
    intent = rng.choice(INTENTS)
    events: list = [
        UserUttered(f"bericht {number}", {"name": intent, "confidence": 0.9}, []),
    ]
    if rng.random() < 0.5:
        events.append(SlotSet("sector", rng.choice(["zorg", "techniek", "horeca"])))
    if rng.random() < 0.3:
        events.append(SlotSet("age", rng.randint(18, 66)))
    if number % 7 == 0:
        events += [ActionExecuted("profile_form"), ActiveLoop("profile_form")]
        events.append(SlotSet("requested_slot", "sector"))
    elif number % 7 == 3:
        events += [ActionExecuted("profile_form"), ActiveLoop(None)]
        events.append(SlotSet("requested_slot", None))
    action = rng.choice(["utter_greet", "action_search_courses", "action_explain_schemes"])
    hidden = rng.random() < 0.4
    events += [
        ActionExecuted(action, hide_rule_turn=hidden),
        BotUttered(f"antwoord {number}"),
        ActionExecuted("action_listen", hide_rule_turn=hidden),
    ]
    return events


def write(store, sender: str, events: list, domain: Domain, tracker=None):
    """Add events to the tracker the store loaded (as Rasa's processor does) and save it."""
    tracker = tracker or run(store.retrieve(sender))
    if tracker is None:
        tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event, domain)
    run(store.save(tracker))
    return tracker


def conversation(store, sender: str, turns: int, domain: Domain, seed: int = 7) -> None:
    rng = random.Random(seed)
    write(
        store, sender,
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        domain,
    )  # fmt: skip
    for number in range(turns):
        write(store, sender, turn(rng, number, domain), domain)


def real_events(tracker: DialogueStateTracker) -> list[dict]:
    return [e.as_dict() for e in tracker.events if not is_opening(e)]


def test_a_short_conversation_is_loaded_whole(stores, domain) -> None:
    windowed, rasa = stores
    conversation(windowed, "kort", WINDOW - 3, domain)
    mine, theirs = run(windowed.retrieve("kort")), run(rasa.retrieve("kort"))
    assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in theirs.events]


@pytest.mark.parametrize("turns", [WINDOW + 1, 60, 203])
def test_a_long_conversation_keeps_its_state_and_its_last_turns(stores, domain, turns) -> None:
    windowed, rasa = stores
    conversation(windowed, "lang", turns, domain)
    mine, whole = run(windowed.retrieve("lang")), run(rasa.retrieve("lang"))

    # Everything was stored once, in order: Rasa's store reads the whole session back.
    users = [e.text for e in whole.events if isinstance(e, UserUttered)]
    assert users == [f"bericht {n}" for n in range(turns)]

    # The window: the last WINDOW turns, after opening events that restore the state.
    assert sum(isinstance(e, UserUttered) for e in mine.events) == WINDOW - 1
    assert real_events(mine) == [e.as_dict() for e in whole.events][-len(real_events(mine)) :]
    assert mine.current_slot_values() == whole.current_slot_values()
    assert mine.active_loop_name == whole.active_loop_name
    assert mine.latest_message.text == whole.latest_message.text
    assert mine.latest_action_name == whole.latest_action_name
    assert mine.is_paused() == whole.is_paused()

    # What the policies read: the last states match far beyond max_history and the longest rule.
    for hide in (False, True):
        ours = mine.past_states(domain, ignore_rule_only_turns=hide)
        full = whole.past_states(domain, ignore_rule_only_turns=hide)
        depth = 7 if hide else WINDOW - 2
        assert ours[-depth:] == full[-depth:]


def test_saving_a_windowed_tracker_appends_only_new_events(stores, domain) -> None:
    windowed, rasa = stores
    conversation(windowed, "schrijf", 40, domain)
    tracker = run(windowed.retrieve("schrijf"))
    loaded = getattr(tracker, PERSISTED)
    assert loaded == len(tracker.events)
    before = len(run(rasa.retrieve("schrijf")).events)

    tracker.update(UserUttered("nog een vraag", {"name": "ask_scheme", "confidence": 1.0}))
    run(windowed.save(tracker))
    tracker.update(ActionExecuted("action_listen"))
    run(windowed.save(tracker))  # saved twice in one turn: nothing doubles
    whole = run(rasa.retrieve("schrijf"))
    assert len(whole.events) == before + 2
    assert whole.events[-2].text == "nog een vraag"
    assert not any(is_opening(e) for e in whole.events)


def test_slots_reset_pause_and_form_before_the_window_are_restored(stores, domain) -> None:
    windowed, rasa = stores
    write(windowed, "staat", [ActionExecuted("action_session_start"), SessionStarted()], domain)
    write(
        windowed, "staat",
        [
            SlotSet("sector", "zorg"), SlotSet("age", 45), AllSlotsReset(),
            SlotSet("work_situation", "ww"), ActionExecuted("profile_form"),
            ActiveLoop("profile_form"), SlotSet("requested_slot", "education_level"),
            ConversationPaused(), ActionExecuted("action_listen"),
        ],
        domain,
    )  # fmt: skip
    rng = random.Random(3)
    for number in range(1, 30):  # no form activity in these turns
        events = [e for e in turn(rng, number, domain) if not isinstance(e, SlotSet | ActiveLoop)]
        events = [e for e in events if getattr(e, "action_name", "") != "profile_form"]
        write(windowed, "staat", events, domain)
    mine, whole = run(windowed.retrieve("staat")), run(rasa.retrieve("staat"))
    assert mine.current_slot_values() == whole.current_slot_values()
    assert mine.get_slot("work_situation") == "ww" and mine.get_slot("sector") is None
    assert mine.active_loop_name == "profile_form" and mine.is_paused()

    write(windowed, "staat", [ConversationResumed(), ActionExecuted("action_listen")], domain)
    assert not run(windowed.retrieve("staat")).is_paused()


def test_a_new_session_starts_a_new_window(stores, domain) -> None:
    windowed, rasa = stores
    conversation(windowed, "sessie", 30, domain)
    write(
        windowed, "sessie",
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        domain,
    )  # fmt: skip
    mine, whole = run(windowed.retrieve("sessie")), run(rasa.retrieve("sessie"))
    assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in whole.events]
    assert all(slot.value == slot.initial_value for slot in mine.slots.values())


def test_a_deleted_conversation_is_gone_and_starts_over(stores, domain) -> None:
    windowed, _ = stores
    conversation(windowed, "wis", 30, domain)
    assert run(windowed.retrieve("wis")) is not None
    with windowed.session_scope() as session:  # what the AVG delete does
        session.query(windowed.SQLEvent).filter_by(sender_id="wis").delete()
        session.commit()
    assert run(windowed.retrieve("wis")) is None
    conversation(windowed, "wis", 25, domain, seed=99)
    whole = run(SQLTrackerStore.retrieve(windowed, "wis"))
    assert run(windowed.retrieve("wis")).current_slot_values() == whole.current_slot_values()


def test_the_turn_that_erases_the_conversation_is_not_written(stores, domain) -> None:
    """actions/privacy.py deletes what was stored and sends the marker; the store then deletes
    instead of saving the turn, and the next message starts a new conversation."""
    windowed, _ = stores
    conversation(windowed, "weg", 20, domain)
    conversation(windowed, "blijft", 3, domain)
    tracker = run(windowed.retrieve("weg"))
    for event in [
        UserUttered("/affirm", {"name": "affirm", "confidence": 1.0}, []),
        ActionExecuted("action_erase_conversation"),
        BotUttered("Klaar. Ik heb alles van dit gesprek gewist."),
        BotUttered(data={"custom": {"overstap_erased": True}}),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event, domain)
    run(windowed.save(tracker))
    with windowed.session_scope() as session:
        left = session.query(windowed.SQLEvent).filter_by(sender_id="weg").count()
        kept = session.query(windowed.SQLEvent).filter_by(sender_id="blijft").count()
    assert left == 0 and kept > 0
    assert run(windowed.retrieve("weg")) is None


def test_the_earlier_state_is_brought_forward_not_rebuilt(stores, domain) -> None:
    """Per message the store reads the window and only the events that left it since."""
    windowed, rasa = stores
    conversation(windowed, "rijen", 60, domain)
    read: list[int] = []
    original = windowed._opening_events

    def spy(conn, sender_id, start, window_start, earlier, rows):
        before = windowed._earlier.get(sender_id)
        assert before is earlier
        read.append(window_start - (before.upto if before else start))
        assert rows[0].id == (before.upto if before else start)  # the one statement read them
        return original(conn, sender_id, start, window_start, earlier, rows)

    windowed._opening_events = spy
    rng = random.Random(1)
    for number in range(60, 140):
        write(windowed, "rijen", turn(rng, number, domain), domain)
    # ids between the previous and the new window start: one turn's events, never the history
    assert read and max(read) <= 12, read
    mine, whole = run(windowed.retrieve("rijen")), run(rasa.retrieve("rijen"))
    assert mine.current_slot_values() == whole.current_slot_values()


def test_an_earlier_state_past_the_window_is_rebuilt_from_the_session_start(stores, domain):
    windowed, rasa = stores
    conversation(windowed, "terug", 40, domain)
    windowed._earlier["terug"].upto = 10**9  # as if the conversation had been cut short
    mine, whole = run(windowed.retrieve("terug")), run(rasa.retrieve("terug"))
    assert mine.current_slot_values() == whole.current_slot_values()
    assert windowed._earlier["terug"].upto < 10**9
    assert real_events(mine) == [e.as_dict() for e in whole.events][-len(real_events(mine)) :]


def test_the_window_is_longer_than_what_the_policies_read() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    histories = [p["max_history"] for p in config["policies"] if "max_history" in p]
    assert histories, "config.yml bounds the history of the ML policies"
    assert max(histories) + 2 <= MIN_WINDOW_TURNS, histories


def test_the_session_start_is_found_through_an_index(stores) -> None:
    import sqlalchemy as sa

    windowed, _ = stores
    indexes = sa.inspect(windowed.engine).get_indexes("events")
    assert any(i["column_names"] == ["sender_id", "type_name", "id"] for i in indexes), indexes


class outage:
    """The database stops answering for the store: its events table is renamed away."""

    def __init__(self, store) -> None:
        self.store = store

    def _rename(self, old: str, new: str) -> None:
        import sqlalchemy as sa

        with self.store.engine.begin() as connection:
            connection.execute(sa.text(f"ALTER TABLE {old} RENAME TO {new}"))

    def __enter__(self):
        self._rename("events", "events_away")
        return self

    def __exit__(self, *exc) -> None:
        self._rename("events_away", "events")


def test_a_database_outage_keeps_the_conversation_and_writes_it_afterwards(
    stores, domain, caplog
) -> None:
    windowed, rasa = stores
    conversation(windowed, "storing", 15, domain)
    before = run(rasa.retrieve("storing"))
    rng = random.Random(99)
    with outage(windowed), caplog.at_level("DEBUG"):
        tracker = run(windowed.retrieve("storing"))  # from memory, no error for Rasa
        assert tracker.current_slot_values() == before.current_slot_values()
        added = turn(rng, 15, domain)
        write(windowed, "storing", added, domain, tracker)  # no exception
        again = run(windowed.retrieve("storing"))
        assert again.latest_message.text == "bericht 15"
        more = turn(rng, 16, domain)
        write(windowed, "storing", more, domain, again)
        added += more
    assert "Tracker database unreachable" in caplog.text
    assert "bericht 1" not in caplog.text  # no message text in the log

    # Back: the next read writes what was kept, in order, once.
    tracker = run(windowed.retrieve("storing"))
    assert tracker.latest_message.text == "bericht 16"
    whole = run(rasa.retrieve("storing"))
    users = [e.text for e in whole.events if isinstance(e, UserUttered)]
    assert users == [f"bericht {n}" for n in range(17)]
    assert len(whole.events) == len(before.events) + len(added)
    assert [e.as_dict() for e in whole.events][-len(added) :] == [e.as_dict() for e in added]
    assert not any(is_opening(e) for e in whole.events)
    write(windowed, "storing", turn(rng, 17, domain), domain, tracker)
    assert run(rasa.retrieve("storing")).latest_message.text == "bericht 17"


def test_a_conversation_first_seen_during_an_outage_is_written_afterwards(stores, domain) -> None:
    windowed, rasa = stores
    with outage(windowed):
        tracker = run(windowed.retrieve("nieuw"))
        assert tracker is not None and len(tracker.events) == 0  # Rasa starts a session
        write(
            windowed, "nieuw",
            [ActionExecuted("action_session_start"), SessionStarted(),
             ActionExecuted("action_listen"), *turn(random.Random(1), 0, domain)],
            domain, tracker,
        )  # fmt: skip
    run(windowed.retrieve("nieuw"))
    whole = run(rasa.retrieve("nieuw"))
    assert [e.text for e in whole.events if isinstance(e, UserUttered)] == ["bericht 0"]


def test_a_tracker_rasa_made_itself_fails_without_its_text_in_the_error(stores, domain) -> None:
    from bot.errors import TrackerDatabaseUnreachable

    windowed, _ = stores
    tracker = DialogueStateTracker("eigen", domain.slots)
    tracker.update(UserUttered("mijn geheime vraag", {"name": "greet", "confidence": 1.0}))
    with outage(windowed), pytest.raises(TrackerDatabaseUnreachable) as raised:
        run(windowed.save(tracker))
    assert "geheime" not in str(raised.value)
