"""Adapters: the file system, databases, transports and models the domain is plugged into."""
