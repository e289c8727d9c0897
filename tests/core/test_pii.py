import base64
import hmac
import multiprocessing
from datetime import date, timedelta
from hashlib import sha256
from unittest import mock

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.template import Context, Engine
from django.test import override_settings
from django.test.utils import isolate_apps
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from wushe.core.pii import (
    PARALLEL_FROM,
    EncryptedField,
    Protected,
    decrypt,
    encrypt,
    encrypting,
    hash_lookup,
    id_number_birth_date,
    id_number_sex,
    lookup_hash,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    reset_keys,
)

# Written out from GB 11643-1999 rather than imported, so the tests check the module.
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
MAINLAND_PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71".split()
)


def check_char(first17: str) -> str:
    r = (12 - sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11) % 11
    return "X" if r == 10 else str(r)


def build_id(region: str, birth, seq: int) -> str:
    birth = birth if isinstance(birth, str) else f"{birth:%Y%m%d}"
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_char(first17)


def error_code(func, value) -> str:
    with pytest.raises(ValidationError) as exc:
        func(value)
    return exc.value.code


regions = st.one_of(
    st.builds(
        lambda p, c: f"{p}{c:04d}", st.sampled_from(MAINLAND_PROVINCES), st.integers(1, 9999)
    ),
    st.sampled_from(["810000", "820000", "830000"]),
)
# A day of margin so the server's and Asia/Shanghai's "today" never disagree.
births = st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=1))
seqs = st.integers(0, 999)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


# --- resident ID numbers ------------------------------------------------------------


def test_known_good_number():
    number = build_id("110105", "19900307", 123)
    assert normalize_id_number(number) == number
    assert id_number_birth_date(number) == date(1990, 3, 7)
    assert id_number_sex(number) == "male"


def test_literal_example_with_x():
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"
    assert normalize_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    assert id_number_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_number_sex("11010519491231002X") == "female"


def test_full_width_input_from_an_ime():
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_legacy_15_digit_number_upgrades():
    assert normalize_id_number("110105491231002") == "11010519491231002X"


def test_wrong_check_digit():
    number = build_id("110105", "19900307", 123)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert error_code(normalize_id_number, wrong) == "id_checksum"


@pytest.mark.parametrize(
    "value",
    ["", "1101051990030712", "1101051990030712345", "11010519900307123A", "1101054912310X2"],
)
def test_wrong_length_or_characters(value):
    assert error_code(normalize_id_number, value) == "id_length"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "18991231"])
def test_impossible_birth_date(birth):
    assert error_code(normalize_id_number, build_id("110105", birth, 123)) == "id_birth"


def test_future_birth_date_rejected_today_accepted():
    today = timezone.localdate()
    assert error_code(normalize_id_number, build_id("110105", today + timedelta(days=1), 1)) == (
        "id_birth"
    )
    assert normalize_id_number(build_id("110105", today, 1))


@pytest.mark.parametrize("region", ["990101", "110000", "000000", "720101", "350000"])
def test_unknown_region(region):
    assert error_code(normalize_id_number, build_id(region, "19900307", 123)) == "id_region"


def test_residence_permit_regions_accepted():
    for region in ("810000", "820000", "830000"):
        number = build_id(region, "19900307", 123)
        assert normalize_id_number(number) == number


def test_messages_are_chinese_and_name_the_field():
    with pytest.raises(ValidationError) as exc:
        normalize_id_number("123")
    assert "身份证号码" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        normalize_mobile("123")
    assert "手机号码" in exc.value.messages[0]


@given(regions, births, seqs)
def test_valid_numbers_normalize_to_themselves(region, birth, seq):
    number = build_id(region, birth, seq)
    assert normalize_id_number(number) == number
    assert normalize_id_number(f" {number[:6]} {number[6:14]} {number[14:].lower()} ") == number
    assert id_number_birth_date(number) == birth
    assert id_number_sex(number) == ("male" if seq % 2 else "female")


@given(regions, births, seqs)
def test_lowercase_x_accepted(region, birth, seq):
    # Walk on from the drawn sequence to the next one whose check character is X.
    number = next(
        n
        for n in (build_id(region, birth, (seq + i) % 1000) for i in range(1000))
        if n.endswith("X")
    )
    assert normalize_id_number(number.lower()) == number


@given(regions, births, seqs, st.data())
def test_any_single_character_change_is_caught(region, birth, seq, data):
    number = build_id(region, birth, seq)
    position = data.draw(st.integers(0, 17))
    choices = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in choices if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalize_id_number(changed)


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), seqs)
def test_every_legacy_number_upgrades_to_a_valid_one(region, birth, seq):
    legacy = f"{region}{birth:%y%m%d}{seq:03d}"
    upgraded = normalize_id_number(legacy)
    assert upgraded == build_id(region, birth, seq)
    assert normalize_id_number(upgraded) == upgraded
    assert id_number_birth_date(upgraded) == birth
    assert id_number_sex(upgraded) == ("male" if seq % 2 else "female")


# --- mobile numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "+86 138 1234 5678",
        "13812345678",
        "138-1234-5678",
        "0086 13812345678",
        "8613812345678",
        "+86-138-1234-5678",
    ],
)
def test_mobile_normalizes(value):
    assert normalize_mobile(value) == "13812345678"


@pytest.mark.parametrize(
    "value", ["12345678901", "1381234567", "138123456789", "+8612345678901", "1381234567a", ""]
)
def test_mobile_rejected(value):
    assert error_code(normalize_mobile, value) == "mobile_format"


@given(mobiles, st.sampled_from(["", "+86", "0086", "86", "+86 "]))
def test_mobile_with_country_code_normalizes(number, prefix):
    spaced = f"{number[:3]} {number[3:7]}-{number[7:]}"
    assert normalize_mobile(prefix + spaced) == number


# --- encryption and lookup hashes -----------------------------------------------------


@given(st.text())
def test_encrypt_decrypt_round_trip(text):
    assert decrypt(encrypt(text)) == text


@given(st.text())
def test_encryption_is_randomized_but_lookup_hash_is_not(text):
    assert encrypt(text) != encrypt(text)
    assert lookup_hash("mobile", text) == lookup_hash("mobile", text)
    assert lookup_hash("mobile", text) != lookup_hash("id_number", text)
    assert len(lookup_hash("mobile", text)) == 64


def test_lookup_hash_uses_hkdf_derived_key():
    # Stored hashes depend on this exact construction: changing it orphans every row.
    key = Fernet.generate_key().decode()
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"wushe lookup hash"
    ).derive(base64.urlsafe_b64decode(key))
    expected = hmac.new(derived, b"mobile\x0013812345678", sha256).hexdigest()
    raw = hmac.new(base64.urlsafe_b64decode(key), b"mobile\x0013812345678", sha256).hexdigest()
    with override_settings(DATA_KEYS=[key]):
        assert lookup_hash("mobile", "13812345678") == expected != raw


def test_hash_lookup_normalizes_first():
    assert hash_lookup("mobile", "+86 138-1234-5678") == lookup_hash("mobile", "13812345678")
    assert hash_lookup("id_number", "110105491231002") == lookup_hash(
        "id_number", "11010519491231002X"
    )
    with pytest.raises(ValidationError):
        hash_lookup("mobile", "12345")


def test_key_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(DATA_KEYS=[old]):
        reset_keys()
        token = encrypt("13812345678")
        old_hash = lookup_hash("mobile", "13812345678")
    with override_settings(DATA_KEYS=[new, old]):
        reset_keys()
        assert decrypt(token) == "13812345678"
        fresh = encrypt("13812345678")
        # Hashes follow the newest key: rotation means re-saving rows.
        assert lookup_hash("mobile", "13812345678") != old_hash
    with override_settings(DATA_KEYS=[new]):
        reset_keys()
        assert decrypt(fresh) == "13812345678"
        with pytest.raises(InvalidToken):
            decrypt(token)
    reset_keys()


def test_many_values_are_encrypted_on_another_process_in_order():
    batches = [["13812345678", "", "110101199003071234"], ["独居老人"]]
    contexts = []
    real = multiprocessing.get_context

    def spy(method=None):
        contexts.append(method)
        return real(method)

    with mock.patch("multiprocessing.get_context", spy), encrypting(iter(batches), PARALLEL_FROM) as encrypted:
        tokens = list(encrypted)
    assert contexts == ["fork"]
    assert [[decrypt(t) if t else "" for t in batch] for batch in tokens] == batches
    assert tokens[0][1] == ""
    with encrypting(iter(batches), 4) as encrypted:  # a few values: in place, the same result
        assert [[decrypt(t) if t else "" for t in batch] for batch in encrypted] == batches


def test_no_keys_is_a_configuration_error():
    with override_settings(DATA_KEYS=[]):
        with pytest.raises(ImproperlyConfigured):
            encrypt("x")
        with pytest.raises(ImproperlyConfigured):
            lookup_hash("mobile", "x")
        with pytest.raises(ImproperlyConfigured), encrypting(iter([["x"]]), 1):
            pass


# --- masking and Protected --------------------------------------------------------------


def test_mask_examples():
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("1234") == "****"
    assert mask_id_number("") == ""


@given(regions, births, seqs)
def test_id_mask_hides_birth_date_and_sequence(region, birth, seq):
    number = build_id(region, birth, seq)
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[14:]
    assert number[6:14] not in masked


@given(mobiles)
def test_mobile_mask_hides_middle_digits(number):
    masked = mask_mobile(number)
    assert masked == number[:3] + "****" + number[7:]
    assert set(masked[3:7]) == {"*"}


def test_protected_prints_masked():
    value = Protected("13812345678", "mobile")
    assert str(value) == value.masked == "138****5678"
    assert f"{value}" == f"{value:s}" == "138****5678"
    assert "5678" in repr(value) and "1234" not in repr(value)
    assert Engine().from_string("{{ v }}").render(Context({"v": value})) == "138****5678"
    assert value.reveal() == "13812345678"


def test_protected_equality_hash_and_truth():
    value = Protected("13812345678", "mobile")
    assert value == "13812345678"
    assert value == Protected("13812345678", "mobile")
    assert value != "13812345679"
    assert value != 13812345678
    assert {value, "13812345678"} == {"13812345678"}
    assert value
    assert not Protected("", "mobile")


def test_protected_rejects_unknown_kind():
    with pytest.raises(ValueError):
        Protected("x", "email")


# --- EncryptedField --------------------------------------------------------------------


@pytest.fixture
def person():
    with isolate_apps("wushe.core"):

        class Person(models.Model):  # noqa: DJ008 (throwaway test model)
            mobile = EncryptedField(
                "手机号码", kind="mobile", hash_field="mobile_hash", blank=True, null=True
            )
            mobile_hash = models.CharField(max_length=64, blank=True)
            id_number = EncryptedField("身份证号码", kind="id_number", hash_field="id_hash")
            id_hash = models.CharField(max_length=64, blank=True)

            class Meta:
                app_label = "core"

        yield Person


def field(model, name):
    return model._meta.get_field(name)


def test_get_prep_value_encrypts_normalized_plaintext(person):
    mobile = field(person, "mobile")
    token = mobile.get_prep_value("+86 138 1234 5678")
    assert "13812345678" not in token
    assert decrypt(token) == "13812345678"
    assert decrypt(mobile.get_prep_value(Protected("13812345678", "mobile"))) == "13812345678"
    assert mobile.get_prep_value(None) is None
    assert mobile.get_prep_value("") == ""
    with pytest.raises(ValidationError):
        mobile.get_prep_value("12345")


def test_from_db_value_returns_protected(person):
    mobile = field(person, "mobile")
    value = mobile.from_db_value(encrypt("13812345678"), None, None)
    assert isinstance(value, Protected)
    assert value == "13812345678"
    assert str(value) == "138****5678"
    assert mobile.from_db_value(None, None, None) is None
    assert mobile.from_db_value("", None, None) == ""


def test_pre_save_keeps_hash_in_step(person):
    mobile = field(person, "mobile")
    obj = person(mobile=" 138-1234-5678")
    mobile.pre_save(obj, add=True)
    assert obj.mobile_hash == lookup_hash("mobile", "13812345678")
    assert obj.mobile_hash == hash_lookup("mobile", "+8613812345678")
    obj.mobile = Protected("13912345678", "mobile")
    mobile.pre_save(obj, add=False)
    assert obj.mobile_hash == lookup_hash("mobile", "13912345678")
    for empty in ("", None):
        obj.mobile = empty
        mobile.pre_save(obj, add=False)
        assert obj.mobile_hash == ""


def test_clean_fields_normalizes_and_reports_errors(person):
    obj = person(mobile="+86 138 1234 5678", id_number="110105491231002")
    obj.clean_fields()
    assert isinstance(obj.mobile, Protected) and obj.mobile == "13812345678"
    assert obj.id_number == "11010519491231002X"

    bad = person(mobile="12345", id_number="11010519491231002X")
    with pytest.raises(ValidationError) as exc:
        bad.clean_fields()
    assert exc.value.message_dict == {"mobile": ["手机号码格式不正确（应为11位中国大陆手机号）"]}

    with pytest.raises(ValidationError) as exc:
        person(mobile="", id_number="").clean_fields()
    assert list(exc.value.message_dict) == ["id_number"]  # required; blank mobile is fine


def test_deconstruct_round_trips(person):
    name, path, args, kwargs = field(person, "mobile").deconstruct()
    assert path == "wushe.core.pii.EncryptedField"
    assert kwargs["kind"] == "mobile" and kwargs["hash_field"] == "mobile_hash"
    rebuilt = EncryptedField(*args, **kwargs)
    assert rebuilt.deconstruct()[3] == kwargs


def test_formfield_is_a_plain_char_field(person):
    form_field = field(person, "mobile").formfield()
    assert type(form_field) is forms.CharField
    assert isinstance(form_field.widget, forms.TextInput)
    assert form_field.label == "手机号码"
    assert not form_field.required
    assert field(person, "id_number").formfield().required


def test_unknown_kind_rejected():
    with pytest.raises(ValueError):
        EncryptedField(kind="email", hash_field="email_hash")


def test_system_check_passes_for_a_good_model(person):
    assert field(person, "mobile").check() == []


@isolate_apps("wushe.core")
def test_system_check_catches_missing_or_early_hash_field():
    class Missing(models.Model):  # noqa: DJ008 (throwaway test model)
        mobile = EncryptedField(kind="mobile", hash_field="mobile_hash")

        class Meta:
            app_label = "core"

    class Early(models.Model):  # noqa: DJ008 (throwaway test model)
        mobile_hash = models.CharField(max_length=64)
        mobile = EncryptedField(kind="mobile", hash_field="mobile_hash")

        class Meta:
            app_label = "core"

    assert [e.id for e in field(Missing, "mobile").check()] == ["wushe.pii.E001"]
    assert [e.id for e in field(Early, "mobile").check()] == ["wushe.pii.E002"]


def test_plaintext_reads_protected_and_plain_values():
    from wushe.core.pii import Protected, plaintext

    assert plaintext(Protected("13812345678", "mobile")) == "13812345678"
    assert plaintext("13812345678") == "13812345678"
    assert plaintext("") == "" and plaintext(None) == ""
