"""Printed papers: one ReportLab module per document over a shared page layout. No Qt.

Every function here takes labels and data already formatted in Vietnamese (app.services.papers
does that) and returns the PDF as bytes.
"""
