"""The server-rendered pages: check, code, concept, search, library, audit."""

from clearclaim.web.pages.routes import router

__all__ = ["router"]
