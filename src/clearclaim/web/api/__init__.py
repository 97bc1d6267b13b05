"""The REST API under ``/api``: the CLI's JSON shapes, pydantic request models."""

from clearclaim.web.api.routes import router

__all__ = ["router"]
