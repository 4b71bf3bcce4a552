"""The arithmetic of the engine's learned models: a logistic over named features, and an
isotonic calibration table read by linear interpolation.

Both scorers (``scorer.py`` for quotations, ``reported_scorer.py`` for reported speech) keep
their weights and tables as plain JSON and apply them with this module, so inference needs
nothing beyond the standard library.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence

Features = dict[str, float]


def dot(weights: Mapping[str, float], features: Mapping[str, float]) -> float:
    """The weighted sum of the features; a feature the model never saw weighs nothing."""
    return sum(weights.get(name, 0.0) * value for name, value in features.items())


def logistic(weights: Mapping[str, float], features: Mapping[str, float]) -> float:
    """The logistic of the weighted sum, clamped so that no score overflows."""
    z = dot(weights, features)
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def calibration_table(data: Mapping) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The (x, y) steps of a model file's ``calibration``, checked."""
    cal = data["calibration"]
    if len(cal["x"]) != len(cal["y"]) or not cal["x"]:
        raise ValueError("calibration table needs as many x as y values, at least one")
    return tuple(cal["x"]), tuple(cal["y"])


def interpolate(xs: Sequence[float], ys: Sequence[float], p: float) -> float:
    """The calibrated probability: linear between the isotonic steps, flat beyond them."""
    if p <= xs[0]:
        return ys[0]
    if p >= xs[-1]:
        return ys[-1]
    i = bisect_right(xs, p)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)
