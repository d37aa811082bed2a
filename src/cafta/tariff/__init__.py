"""Tariffs: dated measures per importing party, their look-up, and duty and tax calculation."""
