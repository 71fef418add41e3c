"""Township supervision: the auditor's dashboard, warning rules, opinions, audits and
findings (DESIGN §9–§10)."""
