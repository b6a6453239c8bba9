"""The API server: authentication, RBAC, admission and validation, as pure functions over a store view."""

from kdsl.engine.apiserver.authn import UserInfo, authenticate
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.rbac import can
from kdsl.engine.apiserver.request import Request, Result, handle
from kdsl.engine.objects import MemoryView, View, wrap

__all__ = ["ApiError", "MemoryView", "Request", "Result", "UserInfo", "View", "authenticate", "can", "handle", "wrap"]
