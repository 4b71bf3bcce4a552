"""The two linear models of the speaker scorer, fitted from labelled candidate lists.

- ``fit_logistic``: L2-regularised logistic regression over every candidate on its own
  (scikit-learn), the probability that choosing a candidate makes its quotation right end
  to end; the engine's ``confidence`` is this probability, calibrated.
- ``fit_conditional_logit``: a conditional (multinomial) logit over each quotation's
  candidate list (McFadden 1974), the model that picks the candidate (and, by picking the
  one that names no speaker, lists quote-marked words apart as unattributed). Its likelihood is
  that of the right candidates among their rivals, ``-log sum_{right j} softmax(Xw)_j``
  per quotation, so it learns what makes a candidate better than the others of its list;
  quotations with no right candidate carry no evidence for that and are left out. Fitted
  with L-BFGS (SciPy) from zero weights, so the same data gives the same weights.

Both return plain ``{feature name: weight}`` dictionaries, the format of
``models/speaker_scorer.json``; inference (``app.engine.scorer``) needs neither library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

Weights = dict[str, float]


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    C: float,
    seed: int,
    intercept: bool = True,
) -> Weights:
    """Weights of a logistic regression of ``labels`` on ``rows``; ``bias`` holds the
    intercept. With ``intercept=False`` the rows' own ``bias`` feature is the intercept,
    regularised like the other weights, and weights of zero are left out."""
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform(rows)
    y = np.array(labels, dtype=int)
    if y.min() == y.max():
        raise SystemExit("the training data has only one class of candidates: too few articles?")
    model = LogisticRegression(C=C, max_iter=5000, random_state=seed, fit_intercept=intercept)
    model.fit(x, y)
    weights = {
        name: float(w)
        for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
        if intercept or w != 0.0
    }
    if intercept:
        weights["bias"] = weights.get("bias", 0.0) + float(model.intercept_[0])
    return weights


def fit_conditional_logit(
    lists: Sequence[Sequence[Mapping[str, float]]],
    right: Sequence[Sequence[bool]],
    C: float,
) -> Weights:
    """Weights of a conditional logit that ranks each list's right candidates first.

    Args:
        lists: The candidates of each quotation, as feature dictionaries.
        right: For each quotation, which of its candidates are right.
        C: Inverse strength of the L2 penalty (as in ``fit_logistic``: the penalty is
            ``|w|^2 / (2C)`` against the summed log-likelihood).

    Returns:
        A weight per feature seen in a list with a right candidate (features constant
        within every list, such as the bias, get weight 0: a softmax cannot see them).
    """
    kept = [(c, r) for c, r in zip(lists, right, strict=True) if any(r) and len(c) > 0]
    if not kept:
        raise SystemExit("no quotation has a right candidate: too few articles?")
    vec = DictVectorizer(sort=True)
    x: csr_matrix = vec.fit_transform([f for cands, _ in kept for f in cands]).tocsr()
    y = np.array([ok for _, r in kept for ok in r], dtype=float)
    group = np.repeat(np.arange(len(kept)), [len(c) for c, _ in kept])
    n = len(kept)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        top = np.full(n, -np.inf)
        np.maximum.at(top, group, z)
        e = np.exp(z - top[group])
        total = np.bincount(group, weights=e, minlength=n)
        p = e / total[group]
        p_right = np.bincount(group, weights=p * y, minlength=n)
        loss = -np.log(p_right).sum() + (w @ w) / (2 * C)
        # d/dz of -log sum_right p: p - p * y / p_right (per list)
        grad = x.T @ (p - p * y / p_right[group]) + w / C
        return float(loss), grad

    start = np.zeros(x.shape[1])
    fit = minimize(objective, start, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
    return {name: float(w) for name, w in zip(vec.get_feature_names_out(), fit.x, strict=True)}
