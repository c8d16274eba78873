"""The introspect stage: read a live database into the model, with a fixed number of queries."""

from pgwright.introspect.catalog import introspect

__all__ = ["introspect"]
