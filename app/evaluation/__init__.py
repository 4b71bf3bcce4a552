"""Evaluation of the engine against annotated articles, by the rules of the reference scorer
(``shared/eval/score.py``): ``metrics`` scores, ``predict`` turns engine results into the
scorer's prediction format, and ``python -m app.evaluation GOLD.jsonl`` does both."""
