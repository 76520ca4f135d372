"""Pages show moments in the browser's timezone (the `pms_tz` cookie), else in TIME_ZONE."""

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from core.middleware import UserTimezoneMiddleware


def _zone_seen(cookie: str | None) -> str:
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES["pms_tz"] = cookie
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    UserTimezoneMiddleware(view)(request)
    return seen["zone"]


def test_the_browser_zone_is_used():
    assert _zone_seen("Asia/Kolkata") == "Asia/Kolkata"
    assert timezone.get_current_timezone_name() == "UTC"  # and forgotten after the request


def test_an_unknown_or_hostile_zone_falls_back_to_the_default():
    assert _zone_seen(None) == "UTC"
    assert _zone_seen("Mars/Olympus_Mons") == "UTC"
    assert _zone_seen("../../etc/passwd") == "UTC"


def test_the_url_encoded_cookie_of_earlier_versions_is_decoded():
    assert _zone_seen("Asia%2FKolkata") == "Asia/Kolkata"
    assert _zone_seen("America%2FArgentina%2FBuenos_Aires") == "America/Argentina/Buenos_Aires"


def test_only_names_of_the_zone_database_are_taken():
    assert _zone_seen("Asia") == "UTC"  # a directory of the database, not a zone
    assert _zone_seen("zone.tab") == "UTC"  # a file of the database, not a zone
    assert _zone_seen("Asia%2F..%2F..%2Fetc%2Fpasswd") == "UTC"
    assert _zone_seen("%00") == "UTC"
