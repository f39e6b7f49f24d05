"""Custom actions for Overstap, one module per feature; each action is thin."""

from bot.careers.service import default_careers
from bot.catalog.textsearch import analyzer
from bot.nlp.lexicon import default_lexicon

# Load the word lists now, while the action server starts, not in a person's first turn:
# on a busy machine that took longer than the catalog call's own timeout.
analyzer()
default_lexicon()
default_careers()  # ESCO's occupations and skills (data/careers/), about 1.5 s
