from django.urls import path
from django.views.generic import RedirectView

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/sent/", views.sent, name="sent"),
    path("sign-in/link/<token:token>/", views.link, name="link"),
    path("sign-in/password/", views.PasswordSignInView.as_view(), name="password"),
    # The old address, still in bookmarks and other sites' links: the one sign-in page.
    path(
        "login/",
        RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True),
        name="login_old",
    ),
    path("sso/<slug:key>/start/", views.oidc_start, name="oidc_start"),
    path("sso/<slug:key>/callback/", views.oidc_callback, name="oidc_callback"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("sign-out/everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("", views.account, name="account"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data.json", views.my_data_json, name="my_data_json"),
    path("delete/", views.delete_account, name="delete"),
]
