"""Custom actions for Overstap, one module per feature; each action is thin."""
