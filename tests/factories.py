"""Small, explicit builders for tests: a two-street network in 合肥 蜀山区 and users in it."""

import itertools

from wushe.accounts.models import RoleAssignment, User
from wushe.accounts.roles import Role
from wushe.core.divisions import Level, full_code, parent_code
from wushe.core.models import Division, Room, Station

PASSWORD = "Test@Pass2026"
_seq = itertools.count(1)


def division(code: str, name: str, level: int, kind: str = "") -> Division:
    code = full_code(code)
    parent = parent_code(code, level)
    obj, _ = Division.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "kind": kind,
                             "parent_id": parent if parent and Division.objects.filter(code=parent).exists() else None},
    )
    return obj


def station(div: Division, tier: str | None = None, name: str | None = None, **extra) -> Station:
    tier = tier or {Level.COUNTY: Station.Tier.CENTER, Level.TOWN: Station.Tier.STATION,
                    Level.VILLAGE: Station.Tier.ROOM}[div.level]
    return Station.objects.create(name=name or f"{div.name}站", tier=tier, division=div, **extra)


def user(username: str | None = None, role: str | None = None, *, station: Station | None = None,
         division: Division | None = None, password: str = PASSWORD, **extra) -> User:
    username = username or f"user{next(_seq)}"
    u = User(username=username, full_name=extra.pop("full_name", username), **extra)
    u.set_password(password)
    u.save()
    if role:
        RoleAssignment.objects.create(user=u, role=role, station=station, division=division)
    return u


class Network:
    """蜀山区 with two streets (西园 with two communities, 三里庵 with one) and one other district."""

    def __init__(self):
        self.province = division("34", "安徽省", Level.PROVINCE)
        self.city = division("3401", "合肥市", Level.CITY)
        self.county = division("340104", "蜀山区", Level.COUNTY)
        self.street_a = division("340104005", "西园街道", Level.TOWN, "urban")
        self.street_b = division("340104001", "三里庵街道", Level.TOWN, "urban")
        self.community_a1 = division("340104005001", "西园新村社区居委会", Level.VILLAGE, "urban")
        self.community_a2 = division("340104005002", "滨湖社区居委会", Level.VILLAGE, "urban")
        self.community_b1 = division("340104001001", "安居苑社区居委会", Level.VILLAGE, "urban")
        self.other_county = division("340103", "庐阳区", Level.COUNTY)
        self.other_street = division("340103001", "亳州路街道", Level.TOWN, "urban")
        self.center = station(self.county, name="蜀山区社会工作指导中心")
        self.station_a = station(self.street_a, name="西园街道社会工作服务站")
        self.station_b = station(self.street_b, name="三里庵街道社会工作服务站")
        self.room_a1 = station(self.community_a1, name="西园新村社工室")
        self.other_station = station(self.other_street, name="亳州路街道社会工作服务站")
        Room.objects.create(station=self.station_a, name="个案工作室", kind=Room.Kind.CASEWORK, capacity=6)

    def users(self) -> dict[str, User]:
        """One user of each role; station roles at 西园, plus 社工 of 三里庵 and of 庐阳区."""
        return {
            "sysadmin": user("t_admin", Role.SYSADMIN),
            "secadmin": user("t_anquan", Role.SECADMIN),
            "auditor": user("t_shenji", Role.AUDITOR),
            "civil": user("t_minzheng", Role.CIVIL, division=self.county),
            "street": user("t_jiedao", Role.STREET, division=self.street_a),
            "head": user("t_zhanzhang", Role.HEAD, station=self.station_a),
            "worker": user("t_shegong", Role.WORKER, station=self.station_a),
            "supervisor": user("t_dudao", Role.SUPERVISOR, station=self.station_a),
            "worker_b": user("t_shegong_b", Role.WORKER, station=self.station_b),
            "worker_other": user("t_shegong_c", Role.WORKER, station=self.other_station),
            "org_lead": user("t_zuzhi", Role.ORG_LEAD, division=self.community_a1),
            "volunteer": user("t_zhiyuan", Role.VOLUNTEER, division=self.community_a1),
        }


def photo(name: str = "现场.jpg", size=(64, 48), gps: bool = True, fmt: str = "JPEG"):
    """An uploaded phone photo; with GPS and the owner's name in its EXIF, as phones write them."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 52.0, 0.0), 3: "E", 4: (117.0, 14.0, 0.0)}  # GPSInfo
        exif[0x013B] = "王秀英"  # Artist
    out = io.BytesIO()
    image.save(out, fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")
