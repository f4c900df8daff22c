"""The product's URLs plus /bench/minimal/, for the HTTP overhead ratio only."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *product_urlpatterns]
