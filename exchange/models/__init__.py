"""The tables of the data exchange: one module per topic, re-exported here."""

from .records import FeedBatch, FeedChannel, FeedOutcome, FeedRecord

__all__ = ["FeedBatch", "FeedChannel", "FeedOutcome", "FeedRecord"]
