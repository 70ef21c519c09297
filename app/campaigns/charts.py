"""The results chart of a campaign (a bar chart from ``app.charts`` with its table)."""

from __future__ import annotations

from flask_babel import gettext

from app.campaigns.models import Campaign
from app.campaigns.results import Results
from app.charts import Bar, BarChart


def results_chart(campaign: Campaign, results: Results) -> BarChart:
    """Votes per case, most votes first; the table adds rank and department."""
    unit = gettext(" votes")
    bars = [Bar(item.title, item.votes, row=(item.rank, item.title, item.department_name, item.votes)) for item in results.items]
    if results.state == "closed":
        description = gettext("Final results: %(voters)d voters cast %(votes)d valid votes.", voters=results.turnout, votes=results.total_votes)
    else:
        description = gettext("Live results so far: %(voters)d voters cast %(votes)d valid votes.", voters=results.turnout, votes=results.total_votes)
    return BarChart(
        f"campaign-{campaign.id}-results",
        gettext("Votes per case: %(title)s", title=campaign.title),
        bars,
        description=description,
        table_headers=(gettext("Rank"), gettext("Case"), gettext("Department"), gettext("Votes")),
        row_header=1,
        unit=unit,
        empty_text=gettext("No votes yet."),
    )
