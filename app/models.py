"""Import every model so that the metadata (Alembic, tests) knows all tables."""

from app.accounts.models import ApiToken, User  # noqa: F401
from app.audit.models import AuditEntry  # noqa: F401
from app.departments.models import Department, Service  # noqa: F401
from app.proposals.models import (  # noqa: F401
    AnswerRating,
    AnswerRevision,
    Assignment,
    Extension,
    OfficialAnswer,
    Proposal,
    ProposalEvent,
    Support,
)
from app.notifications.models import Follow, Notification  # noqa: F401
from app.search.models import SearchDocument  # noqa: F401
from app.ratings.models import Rating, RatingWindow, RectificationCase, ServiceRatingStats  # noqa: F401
from app.innovation.models import CaseTag, InnovationCase  # noqa: F401
from app.campaigns.models import Ballot, Campaign, CampaignCase, CampaignResult, Vote, VoteInvalidation  # noqa: F401
from app.comments.models import Comment, CommentRevision  # noqa: F401
from app.moderation.models import Appeal, BannedWord, Flag  # noqa: F401
