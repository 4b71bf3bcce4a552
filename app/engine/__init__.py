"""The attribution engine: plain Python over a spaCy ``Doc``, usable without the web layer.

    >>> from app.engine import QuoteAttributor
    >>> attributor = QuoteAttributor.load()          # doctest: +SKIP
    >>> result = attributor.attribute(article_text)  # doctest: +SKIP

Importing it also registers the ``quote_attributor`` spaCy component (``component.py``).
"""

from app.engine.assets import default_models_dir
from app.engine.attributor import QuoteAttributor
from app.engine.component import DocQuote, QuoteAttributorComponent
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef, Unattributed

__all__ = [
    "Attribution",
    "Cue",
    "DocQuote",
    "Mention",
    "Quote",
    "QuoteAttributor",
    "QuoteAttributorComponent",
    "Speaker",
    "SpeakerRef",
    "Unattributed",
    "default_models_dir",
]
