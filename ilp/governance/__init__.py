"""Governance mechanisms every stage inherits: restriction, dissemination, correction notices
and review/retention. Visibility itself is decided in ilp.selectors.record_scope."""
