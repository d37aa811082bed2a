"""Risk management for clearance: explainable rules, a score, and lanes by quota.

A declaration is seen through :class:`~cafta.risk.subject.RiskSubject` (built by clearance);
rules (:mod:`.rules`, :mod:`.watchlists`, :mod:`.unit_values`), configured as data
(:mod:`.ruleset`), find what an officer should look at; a :class:`~cafta.risk.scoring.Scorer`
ranks it; the :class:`~cafta.risk.lanes.LaneAllocator` assigns red, yellow, blue or green within
each office's quotas (:mod:`.quotas`), online. :class:`~cafta.risk.engine.RiskEngine` ties them
together. Sources: risk-anchors.md §5 (ASYCUDA MODSEL selectivity, lane targets) and the WTO
Trade Facilitation Agreement, Art. 7.4. See ``docs/risk-rules.md``.
"""
