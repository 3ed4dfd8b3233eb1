"""Test harness: real subprocesses (daphne, Celery worker), e-mails they send, and Playwright on Debian's Chromium.

Fixtures (registered from tests/conftest.py through ``pytest_plugins = ["tests.harness.fixtures"]``), each started
once per xdist worker and only when a test asks for it:

- ``asgi_server``: daphne serving ``config.asgi:application`` on the test database; ``asgi_server.url``.
- ``celery_worker``: a Celery worker (threads pool) on this worker's test queue; ``celery_worker.hostname``.
- ``mailbox``: the e-mails the subprocesses sent (file backend), emptied before each test.
- ``browser_context_args`` / ``browser_type_launch_args``: pytest-playwright set up for /usr/bin/chromium, headless,
  base_url = asgi_server.url, 1366x860, en-GB, Europe/Paris. ``page``, ``context``, ``browser`` as usual.
- ``signed_in_page(user)``: a new page already signed in as ``user`` (session cookie, no form).

Helpers: ``tests.harness.browser.login / signed_in_context / screenshot / in_thread`` and
``tests.harness.sessions.session_cookie``.

The subprocesses only see committed rows: tests that use them take ``transactional_db`` (not ``db``).
Browser tests (``@pytest.mark.browser``, anything under tests/browser/, or any test using a Playwright fixture)
all run in the xdist group "browser", so one Chromium serves them. While Playwright runs, an asyncio loop is
marked running in the test thread: the ORM works in browser tests (DJANGO_ALLOW_ASYNC_UNSAFE is set for them),
but code that goes through ``async_to_sync`` (``core.live.publish``, ``notify``) must run via ``in_thread(...)``.
"""
