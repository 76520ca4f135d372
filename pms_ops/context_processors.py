"""The workflow-page navigation shown in every page's header: only the pages the user's role may open."""

from django.urls import NoReverseMatch, reverse

from core.roles import page_allows

# (url name, label); a page appears once its app defines the URL name.
PAGES = (
    ("ops:dashboard", "Ops dashboard"),
    ("desk:today", "Trading day"),
    ("book:positions", "Position book"),
    ("book:prices", "Prices and marks"),
    ("book:correction-wizard", "Correct a position"),
    ("recon:home", "Reconciliation"),
    ("approvals:queue", "Approvals"),
    ("incidents:list", "Incidents"),
    ("journal:timeline", "Journal"),
)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items = []
    for name, label in PAGES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if not page_allows(user, name):
            continue  # a link the role cannot follow is not shown
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    # The admin header shows "Welcome", the password change and Log out when `has_permission` is set;
    # admin views set it themselves, workflow pages get it here so that their header is the same.
    return {"pms_nav": items, "has_permission": bool(user and user.is_active and user.is_staff)}
