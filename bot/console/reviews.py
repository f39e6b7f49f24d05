"""Review data of the console: tags, private notes and 'reviewed' marks per conversation."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.console.models import ConversationNote, ConversationReview, ConversationTag
from bot.db import session_scope, utcnow
from bot.errors import ReviewError

MAX_NOTE_CHARS = 4000
TAG = re.compile(r"^[\w -]{1,40}$")


def clean_tag(tag: str) -> str:
    value = " ".join(tag.strip().lower().split())
    if not TAG.match(value):
        raise ReviewError("Een label heeft 1 tot 40 letters, cijfers, spaties of streepjes.")
    return value


class Reviews:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def add_tag(self, conversation_id: str, tag: str) -> str:
        value = clean_tag(tag)
        with session_scope(self.sessions) as session:
            if session.get(ConversationTag, (conversation_id, value)) is None:
                session.add(ConversationTag(conversation_id=conversation_id, tag=value))
        return value

    def remove_tag(self, conversation_id: str, tag: str) -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                delete(ConversationTag).where(
                    ConversationTag.conversation_id == conversation_id, ConversationTag.tag == tag
                )
            )

    def tags(self, conversation_id: str) -> list[str]:
        with session_scope(self.sessions) as session:
            query = select(ConversationTag.tag).where(
                ConversationTag.conversation_id == conversation_id
            )
            return sorted(session.execute(query).scalars())

    def all_tags(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        with session_scope(self.sessions) as session:
            for cid, tag in session.execute(
                select(ConversationTag.conversation_id, ConversationTag.tag)
            ):
                found[cid].append(tag)
        return dict(found)

    def tag_names(self) -> list[str]:
        with session_scope(self.sessions) as session:
            return sorted(set(session.execute(select(ConversationTag.tag)).scalars()))

    def add_note(self, conversation_id: str, advisor_name: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise ReviewError("De notitie is leeg.")
        if len(text) > MAX_NOTE_CHARS:
            raise ReviewError(f"Een notitie heeft hoogstens {MAX_NOTE_CHARS} tekens.")
        with session_scope(self.sessions) as session:
            session.add(
                ConversationNote(
                    conversation_id=conversation_id, advisor_name=advisor_name, text=text
                )
            )

    def notes(self, conversation_id: str) -> list[ConversationNote]:
        with session_scope(self.sessions) as session:
            query = (
                select(ConversationNote)
                .where(ConversationNote.conversation_id == conversation_id)
                .order_by(ConversationNote.created_at)
            )
            return list(session.execute(query).scalars())

    def mark_reviewed(self, conversation_id: str, advisor_name: str) -> None:
        with session_scope(self.sessions) as session:
            review = session.get(ConversationReview, conversation_id)
            if review is None:
                session.add(
                    ConversationReview(
                        conversation_id=conversation_id, reviewed_by_name=advisor_name
                    )
                )
            else:
                review.reviewed_by_name = advisor_name
                review.reviewed_at = utcnow()

    def review(self, conversation_id: str) -> ConversationReview | None:
        with session_scope(self.sessions) as session:
            return session.get(ConversationReview, conversation_id)

    def reviewed_ids(self) -> set[str]:
        with session_scope(self.sessions) as session:
            return set(session.execute(select(ConversationReview.conversation_id)).scalars())
