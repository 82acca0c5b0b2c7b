"""The item bank's pages and the images items show."""

from django.urls import path

from masterly.portals.items import editor, views

urlpatterns = [
    path("assessments/items/", views.bank, name="item_bank"),
    path("assessments/items/new/", editor.item_new, name="item_new"),
    path("assessments/items/<int:pk>/", views.item_page, name="item_page"),
    path("assessments/items/<int:pk>/edit/", editor.item_edit, name="item_edit"),
    path("assessments/items/<int:pk>/copy/", views.item_copy, name="item_copy"),
    path("assessments/items/<int:pk>/share/", views.item_share, name="item_share"),
    path("assessments/images/<int:pk>/", views.item_image, name="item_image"),
]
