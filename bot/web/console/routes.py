"""The console's route table: every URL under /adviseur and the handler that answers it."""

from __future__ import annotations

from starlette.routing import Route

from bot.web.console import admin, callbacks, login, queue, statistics, takeover, transcripts

POST = ["POST"]
REQUEST = "/adviseur/verzoek/{request_id:int}"
CONVERSATION = "/adviseur/gesprekken/{conversation_id}"

ROUTES = [
    # login
    Route("/adviseur", login.home),
    Route("/adviseur/", login.home),
    Route("/adviseur/login", login.login, methods=["GET", "POST"]),
    Route("/adviseur/uitloggen", login.logout, methods=POST),
    # queue and live takeover
    Route("/adviseur/wachtrij", queue.queue_page),
    Route("/adviseur/api/wachtrij", queue.queue_api),
    Route(REQUEST, takeover.takeover_page),
    Route(f"{REQUEST}/oppakken", takeover.claim, methods=POST),
    Route(f"{REQUEST}/teruggeven", takeover.hand_back, methods=POST),
    Route(f"{REQUEST}/afsluiten", takeover.close, methods=POST),
    Route("/adviseur/api/verzoek/{request_id:int}/berichten", takeover.takeover_messages),
    Route("/adviseur/api/verzoek/{request_id:int}/bericht", takeover.takeover_send, methods=POST),
    # call-backs
    Route("/adviseur/terugbellen", callbacks.callbacks_page),
    Route("/adviseur/terugbellen/{callback_id:int}/klaar", callbacks.callback_done, methods=POST),
    # transcripts
    Route("/adviseur/gesprekken", transcripts.transcripts_page),
    Route(CONVERSATION, transcripts.transcript_page),
    Route(f"{CONVERSATION}/label", transcripts.add_tag, methods=POST),
    Route(f"{CONVERSATION}/label-weg", transcripts.remove_tag, methods=POST),
    Route(f"{CONVERSATION}/notitie", transcripts.add_note, methods=POST),
    Route(f"{CONVERSATION}/beoordeeld", transcripts.mark_reviewed, methods=POST),
    Route(f"{CONVERSATION}/verwijderen", transcripts.delete_page, methods=POST),
    Route(f"{CONVERSATION}/bewaren", transcripts.keep_page, methods=POST),
    Route("/adviseur/export", transcripts.export_conversations, methods=POST),
    # statistics
    Route("/adviseur/statistiek", statistics.stats_page),
    Route("/adviseur/statistiek/{name}.png", statistics.stats_plot),
    # administration
    Route("/adviseur/accounts", admin.accounts_page, methods=["GET", "POST"]),
    Route("/adviseur/accounts/{advisor_id:int}/actief", admin.account_active, methods=POST),
    Route("/adviseur/auditlog", admin.audit_page),
]
