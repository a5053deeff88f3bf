"""The churn-exposure estimate against the source article's worked example."""

from __future__ import annotations

import pytest

from supportstats.errors import OptionError
from supportstats.reports.churn import churn_exposure


def test_the_article_example():
    # 100 contacts a day at 75 % CSAT: 25 unhappy, 13 of them leave, about 400 a month.
    estimate = churn_exposure(100, 0.75)
    assert estimate.unhappy_per_day == pytest.approx(25.0)
    assert estimate.leaving_per_day == pytest.approx(13.0)
    assert estimate.leaving_per_month == pytest.approx(390.0)


def test_assumptions_are_editable_and_checked():
    assert churn_exposure(200, 0.9, leave_share=0.5, days_per_month=20).leaving_per_month == (
        pytest.approx(200 * 0.1 * 0.5 * 20)
    )
    with pytest.raises(OptionError):
        churn_exposure(100, 1.5)
