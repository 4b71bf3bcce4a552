"""The attribution engine: plain Python over a spaCy ``Doc``, usable without the web layer.

    >>> from app.engine import QuoteAttributor
    >>> attributor = QuoteAttributor.load()          # doctest: +SKIP
    >>> result = attributor.attribute(article_text)  # doctest: +SKIP
"""

from app.engine.attributor import QuoteAttributor
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef

__all__ = ["Attribution", "Cue", "Mention", "Quote", "QuoteAttributor", "Speaker", "SpeakerRef"]
