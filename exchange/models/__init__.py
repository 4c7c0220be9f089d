"""The tables of the data exchange: one module per topic, re-exported here."""

from .maternity import MaternityReimbursement
from .moves import ResidentMove
from .records import FeedBatch, FeedChannel, FeedOutcome, FeedRecord
from .school_rolls import StudentRoll

__all__ = ["FeedBatch", "FeedChannel", "FeedOutcome", "FeedRecord"]
__all__ += ["MaternityReimbursement", "ResidentMove", "StudentRoll"]
