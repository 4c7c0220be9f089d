"""The forms of subsidies' pages, one module per topic; other apps' forms import what they share from here."""

from .reports import AsOfMixin, CountyReportForm, ReportParametersForm

__all__ = ["AsOfMixin", "CountyReportForm", "ReportParametersForm"]
