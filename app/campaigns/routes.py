"""Pages: /campaigns, a campaign with its ballot and results, voting, and the moderators' pages."""

from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.campaigns import bp
from app.campaigns import sections  # noqa: F401 - registers the case page section
from app.campaigns import services as campaigns
from app.campaigns.charts import results_chart
from app.campaigns.forms import CampaignForm, InvalidateForm, from_local_input, local_input
from app.campaigns.invalidation import invalidate_votes, voters_query
from app.campaigns.models import UPCOMING
from app.campaigns.permissions import can_manage_campaigns, can_see_results, template_predicates, voting_problem
from app.campaigns.results import campaign_results, invalidations, results_csv
from app.campaigns.voting import ballot_state, cast_vote, withdraw_vote
from app.clock import LOCAL_TZ, utcnow
from app.errors import ServiceError, ValidationFailed
from app.forms import apply_field_errors
from app.pagination import page_args, paginate
from app.permissions import require


@bp.app_context_processor
def _predicates() -> dict:
    return template_predicates()


def _page_args(default: int = 20) -> tuple[int, int]:
    try:
        return page_args(request.args, default)
    except ValidationFailed:
        return 1, default


@bp.get("/campaigns")
def index():
    """Every campaign: open ones first, then upcoming, then closed."""
    page, per_page = _page_args()
    result = paginate(campaigns.campaigns_query(), page, per_page)
    now = utcnow()
    groups: dict[str, list] = {"open": [], "upcoming": [], "closed": []}
    for item in result.items:
        groups[item.state(now)].append(item)
    return render_template("campaigns/index.html", page=result, groups=groups, now=now)


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """A campaign: rules, ballot with vote / withdraw buttons, the voter's votes, and results when published."""
    item = campaigns.get_campaign(campaign_id)
    now = utcnow()
    state = item.state(now)
    entries = campaigns.ballot_entries(item.id)
    ballot = ballot_state(item, current_user)
    problems = {entry.case_id: voting_problem(current_user, item, entry.case.department_id, now) for entry in entries}
    results = campaign_results(current_user, item, now) if can_see_results(current_user, item, now) else None
    return render_template(
        "campaigns/campaign.html",
        campaign=item,
        state=state,
        entries=entries,
        ballot=ballot,
        problems=problems,
        results=results,
        chart=results_chart(item, results) if results else None,
        votes_by_case={result.case_id: result for result in results.items} if results else {},
    )


@bp.post("/campaigns/<int:campaign_id>/votes")
@login_required
def vote(campaign_id: int):
    """Cast a vote from the campaign page."""
    try:
        case_id = int(request.form.get("case_id", ""))
    except ValueError:
        case_id = None
    try:
        state = cast_vote(current_user, campaign_id, case_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
    else:
        flash(_left_message(state.votes_left, gettext("Your vote was counted.")), "success")
    return redirect(url_for("campaigns.campaign", campaign_id=campaign_id, _anchor=f"case-{case_id}" if case_id else None))


@bp.post("/campaigns/<int:campaign_id>/votes/<int:case_id>/withdraw")
@login_required
def withdraw(campaign_id: int, case_id: int):
    """Withdraw a vote from the campaign page."""
    try:
        state = withdraw_vote(current_user, campaign_id, case_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
    else:
        flash(_left_message(state.votes_left, gettext("Your vote was withdrawn.")), "success")
    return redirect(url_for("campaigns.campaign", campaign_id=campaign_id, _anchor=f"case-{case_id}"))


def _left_message(left: int, done: str) -> str:
    return done + " " + gettext("Votes left: %(count)d.", count=left)


@bp.get("/campaigns/<int:campaign_id>/results.csv")
def results_export(campaign_id: int):
    """The results as CSV (UTF-8 with BOM), once they are published."""
    item = campaigns.get_campaign(campaign_id)
    results = campaign_results(current_user, item)
    response = Response(results_csv(results), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="campaign-{item.id}-results.csv"'
    return response


# --- moderators ---------------------------------------------------------------------


def _form_values(form: CampaignForm, rules: bool) -> dict:
    values = {"title": form.title.data, "description": form.description.data or ""}
    if rules:
        values.update(
            opens_at=from_local_input(form.opens_at.data),
            closes_at=from_local_input(form.closes_at.data),
            case_ids=list(form.case_ids.data or []),
            votes_per_voter=form.votes_per_voter.data,
            require_verified=bool(form.require_verified.data),
            min_account_age_days=form.min_account_age_days.data or 0,
            results=form.results.data,
        )
    return values


def _rules_editable(form: CampaignForm, rules: bool) -> None:
    """Drop the rule fields from a form whose campaign has opened (they are shown as facts instead)."""
    if not rules:
        for name in ("opens_at", "closes_at", "case_ids", "votes_per_voter", "require_verified", "min_account_age_days", "results"):
            delattr(form, name)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def new():
    """A moderator creates a campaign."""
    require(can_manage_campaigns(current_user), current_user, gettext("Only moderators run voting campaigns."))
    form = CampaignForm()
    cases = campaigns.publishable_cases()
    form.case_ids.choices = [SelectChoice(case.id, case.title) for case in cases]
    if form.validate_on_submit():
        try:
            item = campaigns.create_campaign(current_user, **_form_values(form, True))
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        else:
            flash(gettext("The campaign was created."), "success")
            return redirect(url_for("campaigns.campaign", campaign_id=item.id))
    return render_template("campaigns/form.html", form=form, campaign=None, cases=cases, rules=True), 400 if form.errors else 200


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int):
    """A moderator edits a campaign: everything before it opens, the title and description afterwards."""
    require(can_manage_campaigns(current_user), current_user, gettext("Only moderators run voting campaigns."))
    item = campaigns.get_campaign(campaign_id)
    rules = item.state(utcnow()) == UPCOMING
    current_ids = campaigns.ballot_case_ids(item.id)
    if request.method == "GET":
        form = CampaignForm(
            data={
                "title": item.title,
                "description": item.description,
                "opens_at": local_input(item.opens_at),
                "closes_at": local_input(item.closes_at),
                "case_ids": current_ids,
                "votes_per_voter": item.votes_per_voter,
                "require_verified": item.require_verified,
                "min_account_age_days": item.min_account_age_days,
                "results": item.results_visibility,
            }
        )
    else:
        form = CampaignForm()
    cases = campaigns.publishable_cases() if rules else []
    _rules_editable(form, rules)
    if rules:
        form.case_ids.choices = [SelectChoice(case.id, case.title) for case in cases]
    if form.validate_on_submit():
        try:
            campaigns.update_campaign(current_user, item.id, **_form_values(form, rules))
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        except ServiceError as exc:
            form.form_errors = [*form.form_errors, str(exc.message)]
            return render_template("campaigns/form.html", form=form, campaign=item, cases=cases, rules=rules), exc.status
        else:
            flash(gettext("The campaign was saved."), "success")
            return redirect(url_for("campaigns.campaign", campaign_id=item.id))
    return render_template("campaigns/form.html", form=form, campaign=item, cases=cases, rules=rules), 400 if form.errors else 200


def _created_after(raw: str) -> datetime | None:
    """A YYYY-MM-DD filter (Beijing date) as the UTC start of that day."""
    try:
        day = datetime.strptime(raw.strip(), "%Y-%m-%d").date() if raw.strip() else None
    except ValueError:
        return None
    if day is None or not 2000 <= day.year <= 2100:
        return None
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@bp.route("/campaigns/<int:campaign_id>/invalidate", methods=["GET", "POST"])
@login_required
def invalidate(campaign_id: int):
    """Moderators: the campaign's voters, newest accounts first; tick accounts and give a reason to invalidate their votes."""
    require(can_manage_campaigns(current_user), current_user, gettext("Only moderators may invalidate votes."))
    item = campaigns.get_campaign(campaign_id)
    form = InvalidateForm()
    status = 200
    if form.validate_on_submit():
        try:
            done = invalidate_votes(current_user, item.id, list(form.user_ids.data or []), form.reason.data)
        except ValidationFailed as exc:
            apply_field_errors(form, exc)
        except ServiceError as exc:
            form.form_errors = [*form.form_errors, str(exc.message)]
            status = exc.status
        else:
            flash(
                gettext("%(votes)d votes of %(accounts)d accounts were invalidated.", votes=done.votes_count, accounts=done.accounts_count),
                "success",
            )
            return redirect(url_for("campaigns.invalidate", campaign_id=item.id))
    if form.errors and status == 200:
        status = 400
    created_after_raw = request.args.get("created_after", "")[:10]
    page, per_page = _page_args(50)
    voters = paginate(voters_query(item.id, _created_after(created_after_raw)), page, per_page, scalars=False)
    return (
        render_template(
            "campaigns/invalidate.html",
            campaign=item,
            state=item.state(utcnow()),
            form=form,
            voters=voters,
            created_after=created_after_raw,
            invalidations=invalidations(item.id),
        ),
        status,
    )
