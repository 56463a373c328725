"""Shared dashboard machinery: date ranges, store reads, grouping, downsampling, figures, pages.

Source blueprints describe their charts (``app/blueprints/<source>/charts.py``) with these
helpers; every read takes the signed-in user's id from the :class:`~app.dashboards.ranges.View`.
"""
