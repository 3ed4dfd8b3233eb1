"""The upload form, and the upload handler that keeps a too-big file from being stored at all."""

from __future__ import annotations

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from crm.models import ImportJob

ACCEPT = ".csv,.tsv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the file hold?"),
        choices=ImportJob.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Kind.ARTISTS,
    )
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the service says "The file is empty." in its own words
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["data-max-bytes"] = str(max_bytes)
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or Windows-1252; commas, semicolons or tabs) or Excel .xlsx, up to %(size)s MB. "
            "The first row holds the column names."
        ) % {"size": max_bytes // (1024 * 1024)}


class SizeLimitUploadHandler(FileUploadHandler):
    """Placed first in ``request.upload_handlers``: passes chunks on to Django's handlers (which stream big
    files to a temporary file on disk) until the file passes ``limit`` bytes, then skips the rest of it
    (nothing is kept) and raises ``exceeded`` for the view to say so."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + 1024 * 1024:  # the form fields are small
            self.exceeded = True
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.exceeded:
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
