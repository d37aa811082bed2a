"""Application services: ports, command handlers (lodging, deciding) and queries over the domain."""
