"""Training of the learned speaker scorer (``python -m app.training``); see models/README.md."""
