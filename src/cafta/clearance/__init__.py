"""Customs clearance: the declaration aggregate, its lifecycle, lanes and events."""
