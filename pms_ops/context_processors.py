"""The workflow-page navigation shown in every page's header."""

from django.urls import NoReverseMatch, reverse

# (url name, label); a page appears once its app defines the URL name.
PAGES = (
    ("ops:dashboard", "Ops dashboard"),
    ("book:positions", "Position book"),
    ("book:correction-wizard", "Correct a position"),
    ("approvals:queue", "Approvals"),
    ("incidents:list", "Incidents"),
    ("journal:timeline", "Journal"),
)


def navigation(request) -> dict:
    items = []
    for name, label in PAGES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"pms_nav": items}
