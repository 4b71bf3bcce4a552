"""The editor's page: plain HTML, CSS and JavaScript modules, no build step.

``index.html`` is served at ``GET /`` and ``static/`` at ``/static/`` by
``app.api.routes.page``; the page talks to the service through the public API only.
"""
