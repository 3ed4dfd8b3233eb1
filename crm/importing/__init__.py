"""CSV and XLSX import of artists, sponsors and contacts.

- :mod:`.reading` — what the file is (by content), its encoding and delimiter, its columns, its rows (streamed);
- :mod:`.values` and :mod:`.fields` — each kind's fields, how a cell is read, the column names recognised;
- :mod:`.checking` — row validation and duplicate detection (against the CRM and within the file);
- :mod:`.writing` — the bulk writes of the commit;
- :mod:`.progress` and :mod:`.live` — progress visible while the commit's transaction is open, pushed live;
- :mod:`.presenting`, :mod:`.forms`, :mod:`.selectors` — what the wizard's pages show.

The steps themselves are services: :mod:`crm.services.imports`.
"""
