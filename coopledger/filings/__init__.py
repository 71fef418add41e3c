"""Upward filings (issue 21): the annual statistics (农经统计年报) and the annual asset check
(年度资产清查) of each organisation, computed from its closed books and registers, checked
against the forms' balance rules, submitted as frozen versions, reviewed by the township and
summed into the township's summary. Forms are data (``filings/data``); sources in
``docs/filings.md``."""
