"""Who said what, from Python: the quote attribution engine without the HTTP service.

Load once, then attribute as many articles as you like::

    import quote_attribution

    attributor = quote_attribution.load()
    result = attributor.attribute(article)            # an Attribution
    results = attributor.attribute_many(articles)     # an iterator of Attribution

The results are the records the service answers with (``Quote``, ``SpeakerRef``,
``Speaker``, ``Mention``, ``Cue``, and ``Unattributed`` for quote-marked words no one is
found to say), frozen dataclasses with character offsets into the text. In a spaCy pipeline, ``nlp.add_pipe("quote_attributor")`` puts the same results on
``doc._.quotes`` and ``doc._.attribution``; ``render`` shows them as HTML in a notebook.

This package is the public name of the engine that lives in ``app.engine``: it is named
after the distribution (``pip install quote-attribution``), and code that imports from it
does not depend on how the service's source is laid out.
"""

from __future__ import annotations

import os
from pathlib import Path

from app import __version__
from app.display import QuotesHTML, render
from app.engine import (
    Attribution,
    Cue,
    DocQuote,
    Mention,
    Quote,
    QuoteAttributor,
    QuoteAttributorComponent,
    Speaker,
    SpeakerRef,
    Unattributed,
    default_models_dir,
)
from app.engine.attributor import DEFAULT_MODEL

__all__ = [
    "DEFAULT_MODEL",
    "Attribution",
    "Cue",
    "DocQuote",
    "Mention",
    "Quote",
    "QuoteAttributor",
    "QuoteAttributorComponent",
    "QuotesHTML",
    "Speaker",
    "SpeakerRef",
    "Unattributed",
    "__version__",
    "default_models_dir",
    "load",
    "render",
]


def load(
    model: str = DEFAULT_MODEL,
    models_dir: str | os.PathLike[str] | None = None,
    scorer: str = "learned",
) -> QuoteAttributor:
    """Load a spaCy pipeline and the engine's lexicons; do it once and reuse the result.

    Loading takes about a second; attributing a news article of a few thousand characters
    then takes a fraction of a second (``attribute_many`` is faster per article).

    Args:
        model: An installed spaCy pipeline (package name or path) with a parser and an
            NER; the small English one the service uses by default.
        models_dir: A folder of the engine's model assets (``lexicons/``, the learned
            scorer), laid out as ``models/``; ``None`` for the ones installed with the
            package.
        scorer: ``"learned"`` chooses speakers and confidences with the learned,
            calibrated scorer, as the service does; ``"rules"`` with the rules alone.

    Returns:
        The attributor: call ``attribute(text)``, ``attribute_many(texts)`` or
        ``attribute_doc(doc)`` on it.

    Raises:
        OSError: ``model`` is not an installed spaCy pipeline.
        ValueError: The pipeline has no parser or no NER, or ``scorer`` is unknown.
    """
    folder = Path(models_dir) if models_dir is not None else default_models_dir()
    return QuoteAttributor.load(model, folder, scorer)
