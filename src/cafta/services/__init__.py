"""Application services: ports, the message bus, handlers and queries over the domain."""
