"""The CRM's pages, under /crm/. Each feature's views module (``crm/views/<feature>.py``) holds its own
``urlpatterns``; this file only joins them, so features stay side by side without touching each other."""

import importlib

app_name = "crm"

FEATURES = ("home", "records", "lists", "board", "scoring", "imports")

urlpatterns = []
for _feature in FEATURES:
    try:
        _module = importlib.import_module(f"crm.views.{_feature}")
    except ModuleNotFoundError as error:  # a feature still being written
        if error.name != f"crm.views.{_feature}":
            raise
        continue
    urlpatterns += _module.urlpatterns
