"""The forms of enrollment's pages, one module per topic; other apps' forms import the division fields from here."""

from .residents import DivisionChoiceField, ResidenceDivisionField

__all__ = ["DivisionChoiceField", "ResidenceDivisionField"]
