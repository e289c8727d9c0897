import datetime

from ninja import Schema


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None  # required of roles that need a second factor


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class ErrorOut(Schema):
    detail: str


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent_code: str | None
    kind: str

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent_id


class AgencyOut(Schema):
    id: int
    name: str


class RoomOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int | None
    active: bool


class StationOut(Schema):
    id: int
    name: str
    tier: str
    tier_label: str
    division_code: str
    division_name: str
    address: str
    opened_on: datetime.date | None
    agency: AgencyOut | None
    status: str
    closed_on: datetime.date | None

    @staticmethod
    def resolve_tier_label(obj):
        return obj.get_tier_display()

    @staticmethod
    def resolve_division_code(obj):
        return obj.division_id

    @staticmethod
    def resolve_division_name(obj):
        return obj.division.name


class StationDetailOut(StationOut):
    contact_name: str
    rooms: list[RoomOut]

    @staticmethod
    def resolve_rooms(obj):
        return list(obj.rooms.all())
