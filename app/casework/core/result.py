"""What a use case reports back (``Area``, ``Saved``): defined in ``app.domain.result``, which
imports nothing of the database layer, so that the window can name them before the ORM is
loaded (issue #19); the use cases keep importing them from here."""

from app.domain.result import AREAS, Area, Saved

__all__ = ["AREAS", "Area", "Saved"]
