"""Pieces of the scope matrix (tests/test_scope_matrix.py) that apps contribute from files of
their own: each module in this package defines ``ROUTES`` (route name → Route), a
``snapshot(place)`` of what a refused request must leave unchanged, and lazy builders that
keep their objects in ``place.extra``."""

from dataclasses import dataclass


@dataclass
class Route:
    kwargs: object  # Place → URL kwargs
    methods: tuple = ("GET",)
    data: object = None  # Place → POST body: valid, so a missing check would change something
    api: bool = False
    shared: bool = False  # an object of no place: visible to all who hold the action
    own_needs: str | None = None  # a second action needed on one's own object (else 403 there)
    action: str | None = None  # API routes: the action the operation states (403 without it)
    public: bool = False  # a page for anyone (the QR code's phone page): tested for leaks on its own
    # A file on a record opens only with the record: without the record's own action even a
    # user's own (an activity's photo, for a street official) is 404, like the record itself.
    through: str | None = None
