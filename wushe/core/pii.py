"""Personal data (个人信息) under PIPL: validate, encrypt at rest, look up, mask.

Resident ID numbers and mobile numbers are stored encrypted (``EncryptedField``) with a
keyed hash in a sibling column for exact lookup and duplicate detection, and come back
from the database as ``Protected`` values that print masked unless explicitly revealed.

Key rotation: put the new key first in ``WUSHE_DATA_KEY``, keep the old ones after it.
Old rows still decrypt, but lookup hashes follow the *first* key, so every row must be
re-saved (re-encrypted and re-hashed) before the old key is dropped or searched for.
"""

import base64
import contextlib
import functools
import hmac
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- resident ID numbers (GB 11643-1999) ----------------------------------------

# 71 Taiwan, 81 Hong Kong, 82 Macao, 83 Taiwan residents' residence permits (居住证).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
# Residence permits carry the bare region code (810000 etc.); everyone else has a county.
_WHOLE_REGION_CODES = frozenset({"810000", "820000", "830000"})
_EARLIEST_BIRTH = date(1900, 1, 1)
_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
# re.ASCII: \d would otherwise accept e.g. Arabic-Indic digits.
_ID_18 = re.compile(r"\d{17}[\dX]", re.ASCII)
_ID_15 = re.compile(r"\d{15}", re.ASCII)


def _compact(value: str) -> str:
    # NFKC turns the full-width digits and letters a Chinese IME may produce into ASCII.
    return "".join(unicodedata.normalize("NFKC", value).split())


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def normalize_id_number(value: str, today: date | None = None) -> str:
    """Validate a resident ID number; return it as 18 characters, 15-digit ones upgraded.
    ``today`` spares a caller checking many numbers the clock per number."""
    number = _compact(value).upper()
    if _ID_15.fullmatch(number):
        # Legacy numbers were issued only to people born in the 1900s.
        number = number[:6] + "19" + number[6:]
        number += id_check_digit(number)
    elif not _ID_18.fullmatch(number):
        raise ValidationError(_("身份证号码应为18位（或15位旧号码）"), code="id_length")

    # Region and date first: when they are impossible the message can say which part.
    region = number[:6]
    if region[:2] not in PROVINCE_CODES or (
        region[2:] == "0000" and region not in _WHOLE_REGION_CODES
    ):
        raise ValidationError(_("身份证号码的地区代码不存在"), code="id_region")
    try:
        birth = id_number_birth_date(number)
    except ValueError:
        birth = None
    if birth is None or not _EARLIEST_BIRTH <= birth <= (today or timezone.localdate()):
        raise ValidationError(_("身份证号码中的出生日期不存在"), code="id_birth")
    if number[17] != id_check_digit(number[:17]):
        raise ValidationError(_("身份证号码校验位不正确，请核对"), code="id_checksum")
    return number


def id_number_birth_date(value: str) -> date:
    """Birth date of a normalized ID number (raises ValueError if it is not a date)."""
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_sex(value: str) -> str:
    """Sex recorded in a normalized ID number: odd 17th digit "male", even "female"."""
    return "male" if int(value[16]) % 2 else "female"


# --- mobile numbers ---------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)


def normalize_mobile(value: str) -> str:
    """Validate a mainland mobile number; return its 11 digits without country code."""
    number = _compact(value).replace("-", "")
    for prefix in ("+86", "0086", "86"):
        # Only a prefix when what follows is a whole number: 86… could be a typo otherwise.
        if number.startswith(prefix) and len(number) - len(prefix) == 11:
            number = number[len(prefix) :]
            break
    if not _MOBILE.fullmatch(number):
        raise ValidationError(
            _("手机号码格式不正确（应为11位中国大陆手机号）"), code="mobile_format"
        )
    return number


# --- encryption at rest and lookup hashes -----------------------------------------


@functools.cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("DATA_KEYS 为空：无法加密个人信息。 (no data keys configured)")
    return MultiFernet([Fernet(k) for k in keys])


@functools.cache
def _hash_key(data_key: str) -> bytes:
    # A derived key, so the hash never reveals anything about the key that encrypts.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wushe lookup hash")
    return hkdf.derive(base64.urlsafe_b64decode(data_key))


def _fernet() -> MultiFernet:
    # Keyed on the current keys, so override_settings in tests takes effect by itself.
    return _multi_fernet(tuple(settings.DATA_KEYS))


def reset_keys() -> None:
    """Forget cached key material (e.g. after changing DATA_KEYS in a test)."""
    _multi_fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(plaintext: str) -> str:
    """Encrypt with the newest data key; the result differs on every call."""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt with whichever data key fits; raises cryptography's InvalidToken if none does."""
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(kind: str, value: str) -> str:
    """Deterministic keyed hash (hex) of a normalized value, for equality lookups."""
    keys = settings.DATA_KEYS
    if not keys:
        raise ImproperlyConfigured("DATA_KEYS 为空：无法计算查询散列。 (no data keys configured)")
    # The kind never contains NUL, so kind + NUL + value cannot be read two ways.
    message = f"{kind}\0{value}".encode()
    return hmac.digest(_hash_key(keys[0]), message, "sha256").hex()  # one-shot: no HMAC object


# --- masking ------------------------------------------------------------------------


def _mask(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        # Too short to be what we expect: show nothing rather than most of it.
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    """110101199003071234 → 110101********1234: region and last four stay visible."""
    return _mask(value, 6, 4)


def mask_mobile(value: str) -> str:
    """13812345678 → 138****5678."""
    return _mask(value, 3, 4)


_NORMALIZERS = {"id_number": normalize_id_number, "mobile": normalize_mobile}
_MASKS = {"id_number": mask_id_number, "mobile": mask_mobile}


def stored_forms(kind: str, plain: str, token: str | None = None) -> tuple[str, str, str]:
    """What an ``EncryptedField`` stores for a normalized value, for writers that bypass the
    ORM: (ciphertext, lookup hash, masked form), all empty for an empty value. ``token`` is
    the value already encrypted (see ``encrypting``)."""
    if not plain:
        return "", "", ""
    return token or encrypt(plain), lookup_hash(kind, plain), _MASKS[kind](plain)


# A second process pays for itself from about this many values (it starts in ~10 ms and
# each batch crosses a pipe); fewer are encrypted in place.
PARALLEL_FROM = 5_000


def _encrypt_batch(key: str, values: list[str]) -> list[str]:
    fernet = Fernet(key)
    return [fernet.encrypt(v.encode()).decode() if v else "" for v in values]


@contextlib.contextmanager
def encrypting(batches: Iterable[list[str]], count: int) -> Iterator[Iterator[list[str]]]:
    """``encrypt`` of every value of each batch ("" stays ""), the batches given back in order
    as the caller asks for them. ``count`` is the number of values in all.

    Many values are encrypted on a second process while the caller goes on (the ledger
    import makes and writes rows meanwhile): Fernet holds the GIL, and encrypting was a
    third of a large import. The process is forked before the caller starts any thread of
    its own, and it touches neither Django nor the database, only the key and the values."""
    _fernet()  # no keys: the same clear error as any other encryption
    work = functools.partial(_encrypt_batch, settings.DATA_KEYS[0])  # MultiFernet's too
    if (count < PARALLEL_FROM or (os.cpu_count() or 1) < 2
            or "fork" not in multiprocessing.get_all_start_methods()):
        yield map(work, batches)
        return
    with multiprocessing.get_context("fork").Pool(1) as pool:
        yield pool.imap(work, batches)


def hash_lookup(kind: str, raw_value: str) -> str:
    """Normalize user input and hash it: ``filter(mobile_hash=hash_lookup("mobile", q))``."""
    return lookup_hash(kind, _NORMALIZERS[kind](raw_value))


class Protected:
    """A decrypted value that shows itself masked unless ``reveal()`` is called.

    Templates, f-strings, logs and reprs therefore see ``138****5678``; code that truly
    needs the plaintext says so explicitly, which makes each disclosure easy to audit.
    """

    __slots__ = ("_plaintext", "kind")

    def __init__(self, plaintext: str, kind: str):
        if kind not in _MASKS:
            raise ValueError(f"unknown personal data kind: {kind!r}")
        self._plaintext = plaintext
        self.kind = kind

    @property
    def masked(self) -> str:
        return _MASKS[self.kind](self._plaintext)

    def reveal(self) -> str:
        return self._plaintext

    def __str__(self) -> str:
        return self.masked

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __repr__(self) -> str:
        return f"Protected({self.masked!r}, {self.kind!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Protected):
            return self._plaintext == other._plaintext
        if isinstance(other, str):
            return self._plaintext == other
        return NotImplemented

    def __hash__(self) -> int:
        # Same as the plaintext's hash, to agree with __eq__ against a str.
        return hash(self._plaintext)

    def __bool__(self) -> bool:
        return bool(self._plaintext)


def plaintext(value) -> str:
    """The plain value of an encrypted field, whether it holds a ``Protected`` (read from the
    database) or a plain string (just assigned); "" when empty."""
    if not value:
        return ""
    return value.reveal() if isinstance(value, Protected) else str(value)


class EncryptedField(models.TextField):
    """Encrypted personal data, with its lookup hash kept in a sibling CharField.

    ``mobile = EncryptedField(_("手机号码"), kind="mobile", hash_field="mobile_hash")``
    followed by ``mobile_hash = models.CharField(max_length=64, blank=True, db_index=True)``.
    Query through the hash column (``hash_lookup``); lookups on the encrypted column
    itself cannot match anything except ``isnull`` and the empty string.

    ``mask_field`` (optional) names a sibling CharField that keeps the masked form
    (``138****5678``), so lists and exports show it without decrypting anything.

    The hash and mask are written by ``pre_save``, so they are only in step when rows go
    through ``save()`` (include them in ``update_fields``) or ``bulk_create``;
    ``QuerySet.update()`` and ``bulk_update()`` bypass them.
    """

    description = _("加密的个人信息")

    def __init__(self, *args, kind: str, hash_field: str, mask_field: str = "", **kwargs):
        if kind not in _NORMALIZERS:
            raise ValueError(f"unknown personal data kind: {kind!r}")
        self.kind = kind
        self.hash_field = hash_field
        self.mask_field = mask_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs["hash_field"] = self.hash_field
        if self.mask_field:
            kwargs["mask_field"] = self.mask_field
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = [*super().check(**kwargs), *self._check_sibling("hash_field", self.hash_field)]
        if self.mask_field:
            errors += self._check_sibling("mask_field", self.mask_field)
        return errors

    def _check_sibling(self, option: str, name: str):
        fields = self.model._meta.concrete_fields
        sibling = next((f for f in fields if f.name == name), None)
        if sibling is None:
            return [
                checks.Error(
                    f"{option} {name!r} is not a concrete field of the model.",
                    obj=self,
                    id="wushe.pii.E001",
                )
            ]
        if fields.index(sibling) < fields.index(self):
            # save() reads the columns in declaration order: a sibling column read before
            # this field's pre_save has run would store the previous value's hash or mask.
            return [
                checks.Error(
                    f"{option} {name!r} must be declared after {self.name!r}.",
                    obj=self,
                    id="wushe.pii.E002",
                )
            ]
        return []

    def _plaintext(self, value) -> str:
        """The normalized plaintext of any accepted value; "" when empty."""
        if value is None:
            return ""
        if isinstance(value, Protected):
            return value.reveal()
        value = str(value)
        return _NORMALIZERS[self.kind](value) if value.strip() else ""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return Protected(decrypt(value), self.kind)

    def to_python(self, value):
        if value is None or isinstance(value, Protected):
            return value
        plaintext = self._plaintext(value)
        return Protected(plaintext, self.kind) if plaintext else ""

    def get_prep_value(self, value):
        if value is None:
            return None
        plaintext = self._plaintext(value)
        return encrypt(plaintext) if plaintext else ""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        plaintext = self._plaintext(value)
        setattr(
            model_instance, self.hash_field, lookup_hash(self.kind, plaintext) if plaintext else ""
        )
        if self.mask_field:
            setattr(model_instance, self.mask_field, _MASKS[self.kind](plaintext) if plaintext else "")
        return value

    def formfield(self, **kwargs):
        # A one-line input, not TextField's textarea; what it shows is the form's business.
        return super().formfield(
            **{"form_class": forms.CharField, "widget": forms.TextInput, **kwargs}
        )
