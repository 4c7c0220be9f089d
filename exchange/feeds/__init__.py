"""The registry of inbound feeds, filled from ExchangeConfig.ready(): kind → feed."""

from .base import Feed, FeedResult

FEEDS: dict[str, Feed] = {}


def feed_register(feed: Feed) -> None:
    """Make a feed receivable by the API and the bulk file. Registering a kind twice is a mistake."""
    if FEEDS.get(feed.kind) is feed:
        return
    if feed.kind in FEEDS:
        raise ValueError(f"feed kind {feed.kind!r} is already registered")
    labels = {str(field.label) for field in feed.serializer_class().fields.values()}
    unmatched = [column.name for column in feed.columns if column.name not in labels]
    if unmatched:
        raise ValueError(f"feed kind {feed.kind!r}: columns {unmatched} name no field of its serializer")
    FEEDS[feed.kind] = feed
    from ..loaders import feed_loader_register  # the file path of the same feed, through the bulk import

    feed_loader_register(feed)


__all__ = ["FEEDS", "Feed", "FeedResult", "feed_register"]
