"""The inbound feeds, each registered by kind from ExchangeConfig.ready()."""

from .base import Feed

FEEDS: dict[str, Feed] = {}


def feed_register(feed: Feed) -> None:
    FEEDS[feed.kind] = feed
