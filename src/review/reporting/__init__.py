"""Reporting: exports (RIS, CSV, BibTeX), the PRISMA 2020 flow diagram, the offline HTML report.

Everything reads the store through SQL files (``queries/prisma.sql`` and
``review/sql/report_*.sql``) and writes files; nothing here imports Prefect or reaches the
network. ``data`` loads, ``export``, ``prisma`` and ``html`` render.
"""
