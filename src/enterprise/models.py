"""Every enterprise table, imported in one place for migrations and metadata."""

from enterprise.auth.models import Enterprise, Role, User

__all__ = ["Enterprise", "Role", "User"]
