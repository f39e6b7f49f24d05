"""Work to work: someone's occupation, other work that fits what they can, and UWV's demand facts.

Built on a compact copy of ESCO v1.1 in data/careers/ (made by `overstap careers build`).
"""
