"""Rules of origin: criteria as data, bills of materials, and the decision with its evidence."""
