from .maternity import MaternityReimbursement
from .moves import ResidentMove
from .records import FeedOutcome
from .school_rolls import StudentRoll

__all__ = ["FeedOutcome", "MaternityReimbursement", "ResidentMove", "StudentRoll"]
