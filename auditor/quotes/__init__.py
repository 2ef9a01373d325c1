"""Quotes looked up at the pages they link to (issue 16): does the source say it?

:mod:`~auditor.quotes.match` judges a quote against a page's text (pure),
:mod:`~auditor.quotes.targets` picks an article's checkable (quote, link) pairs (pure), and
:mod:`~auditor.quotes.lookup` reads each page through the run's check session.
"""
