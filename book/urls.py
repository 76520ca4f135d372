"""Workflow pages of the book (mounted at the site root)."""

from django.urls import path

from . import price_views, views

app_name = "book"

urlpatterns = [
    path("book/positions/", views.positions_page, name="positions"),
    path("book/positions/open/", views.open_position, name="open"),
    path("book/positions/<int:pk>/close/", views.close_position, name="close"),
    path("book/positions/close-all/", views.close_all, name="close-all"),
    path("book/corrections/new/", views.correction_wizard, name="correction-wizard"),
    path("book/prices/", price_views.prices_page, name="prices"),
    path("book/prices/manual/", price_views.manual_price, name="manual-price"),
    path("book/prices/override/", price_views.price_override, name="price-override"),
    path("book/mtm/run/", price_views.mtm_run, name="mtm-run"),
]
