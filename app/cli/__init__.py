"""The command line: ``python -m app.cli article PATH`` answers for one article as
``POST /v1/quotes`` does; ``python -m app.cli jsonl IN OUT`` attributes an archive with
every core (or a Dask cluster), resumably. See ``python -m app.cli --help``."""
