"""The forms of subsidies' pages, one module per topic; other apps' forms import what they share from here."""

from .identity_lists import MAX_LIST_BYTES
from .reports import AsOfMixin, CountyReportForm, ReportParametersForm

__all__ = ["MAX_LIST_BYTES", "AsOfMixin", "CountyReportForm", "ReportParametersForm"]
