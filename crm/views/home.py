"""/crm/: the module's landing page is the artist list."""

from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_GET

from crm.views.access import crm_read


@require_GET
@crm_read
def crm_home(request):
    return redirect("crm:artist-list")


urlpatterns = [path("", crm_home, name="home")]
