"""Who said what: quote attribution for news articles, as a REST service and a Python engine."""

__version__ = "0.1.0"
