"""The advisor console at /adviseur: queue, live takeover, call-backs, transcripts, statistics.

`routes.py` is the route table; the handlers are module-level functions, one module per page
(login, queue, takeover, callbacks, transcripts, statistics, admin), that take what they need
from `request.app.state.console` (state.py). The console's own Dutch texts are in texts.yml,
the rest in templates/console/. `timeouts.py` has the handoff time-out worker for the app's
lifespan.

Every page needs a login (bot/web/security.py); every POST needs the session's CSRF token;
deleting conversations and managing accounts needs the role beheerder. What a person or an
advisor wrote is always shown as text: Jinja2 autoescapes, and console.js uses textContent.
"""

from bot.web.console.routes import ROUTES
from bot.web.console.state import Console
from bot.web.console.timeouts import lifespan

__all__ = ["ROUTES", "Console", "lifespan"]
