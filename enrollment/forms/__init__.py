"""The forms of enrollment's pages, one module per topic; other apps' forms import the division field from here."""

from .residents import DivisionChoiceField

__all__ = ["DivisionChoiceField"]
