"""First enrolment of a second factor: proven by a code mailed to the account's own address.

A password alone must not let anyone bind an authenticator to an account (and so lock its owner
out). Before the page shows a key to scan, it mails a code to the address on the account; the
mail row stores ids and a nonce only, and the code is made when the mail is sent
(``register_secret_builder``), so no row, admin page or disclosure holds it.
"""

import secrets
import time

from django_otp.plugins.otp_totp.models import TOTPDevice

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from .mail import outbox_add, register_secret_builder

TEMPLATE = "otp_enrolment"
SESSION_KEY = "dxcenter_otp_enrolment"
VALID_SECONDS = 30 * 60
RESEND_SECONDS = 60
MAX_TRIES = 5


def enrolment_code(*, user_id: int, device_id: int, nonce: str) -> str:
    """The 8-digit code for one enrolment; it changes with the device key and the nonce."""
    device = TOTPDevice.objects.filter(pk=device_id, user_id=user_id, confirmed=False).first()
    if device is None:
        raise ValueError("the enrolment is no longer open")
    digest = salted_hmac(
        "dxcenter.otp-enrolment", f"{user_id}:{device_id}:{device.key}:{nonce}"
    ).hexdigest()
    return f"{int(digest[:15], 16) % 10**8:08d}"


def _build(context: dict) -> dict:
    return {
        "code": enrolment_code(
            user_id=context.get("user_id"),
            device_id=context.get("device_id"),
            nonce=context.get("nonce", ""),
        )
    }


register_secret_builder(TEMPLATE, _build)


def otp_enrolment_send(*, user, area: str, language: str = "ja") -> dict:
    """Start an enrolment: a fresh unconfirmed device and its code mailed to the account.

    Returns the state the caller keeps in the login session (never the code).
    """
    with transaction.atomic():
        # A key shown before (or guessed) is worthless: every enrolment starts from a new one.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=area, confirmed=False)
        nonce = secrets.token_hex(16)
        outbox_add(
            to=user.email,
            template=TEMPLATE,
            language=language,
            related_label=user.get_username(),
            context={"user_id": user.pk, "device_id": device.pk, "nonce": nonce},
        )
    return {"device": device.pk, "nonce": nonce, "at": int(time.time()), "tries": 0}


def enrolment_check(*, user, state: dict | None, code: str) -> tuple[dict | None, bool]:
    """(new state, matched) for a code typed on the page; too many tries or too late close it."""
    if not state or time.time() - state.get("at", 0) > VALID_SECONDS:
        return None, False
    state = {**state, "tries": state.get("tries", 0) + 1}
    if state["tries"] > MAX_TRIES:
        return None, False
    try:
        expected = enrolment_code(user_id=user.pk, device_id=state["device"], nonce=state["nonce"])
    except ValueError:
        return None, False
    if constant_time_compare(code, expected):
        return {**state, "cleared": True}, True
    return state, False


def enrolment_device(*, user, state: dict | None) -> TOTPDevice | None:
    """The unconfirmed device whose mailed code was entered in this session, if still valid."""
    if not state or not state.get("cleared") or time.time() - state["at"] > VALID_SECONDS:
        return None
    return TOTPDevice.objects.filter(pk=state["device"], user=user, confirmed=False).first()
