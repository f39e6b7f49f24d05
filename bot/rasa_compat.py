"""A fix to Rasa 3.6 for plain `rasa` commands run from the project root.

Imported by the NLU component (bot/nlp/handoff_signals.py), which Rasa loads in every process
that loads the model, and by bot/rasa_cli.py; it imports nothing from the project.
"""

from __future__ import annotations


def patch_test_data_scan() -> None:
    """Let `rasa test` from the project root pass over JSON that is not an object or a list.

    Plain `rasa test` looks for test stories in "." and guesses the format of every JSON file
    under it; Rasa's own training cache (.rasa/cache) holds files that are a bare number
    (ted_policy.priority.json), and the guess fails with "argument of type 'int' is not
    iterable". Such a file is no training data; every other file is judged as before.
    """
    from rasa.shared.nlu.training_data import loading

    if getattr(loading, "_overstap_patched", False):
        return

    def only_containers(check):
        return lambda js, filename: isinstance(js, dict | list) and check(js, filename)

    for name, check in list(loading._json_format_heuristics.items()):
        loading._json_format_heuristics[name] = only_containers(check)
    loading._overstap_patched = True  # type: ignore[attr-defined]
