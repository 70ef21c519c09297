"""Voting campaigns (网络投票) on published innovation cases: ballots, votes, invalidations, results.

Commands: ``flask campaigns freeze-results`` (snapshot the results of closed
campaigns) and ``flask campaigns recount ID`` (rebuild stored counts).
"""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, cli_group="campaigns")

from app.campaigns import maintenance, routes  # noqa: E402,F401
