"""``clearclaim serve``: the REST API and the web pages, one FastAPI application.

A thin shell over :class:`clearclaim.Checker`: every route parses its input,
asks the Checker and renders what comes back (JSON for ``/api``, Jinja2 pages
with htmx elsewhere). Nothing here decides what to bill.

::

    web/
      app.py        create_app(): the application, its Checker, error handling
      settings.py   where uploads go, the upload limit (environment variables)
      problems.py   errors as RFC 9457 problem details
      api/          /api/* routes and their request models; scrub jobs
      pages/        the server-rendered pages and their Jinja2 environment
      concepts.py   the curated glossary (concepts/<lang>/<slug>.yaml)
      templates/    Jinja2 templates (code_page.html also renders standalone)
      static/       the one stylesheet, htmx, the small page script
"""

from clearclaim.web.app import create_app

__all__ = ["create_app"]
