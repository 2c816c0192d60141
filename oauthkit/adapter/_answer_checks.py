"""The checks for how an answer reads: its fields, expiries and errors (``response``, ``errors``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import Checks
from ._spec import (
    ANSWER_ENCODINGS,
    EXPIRY_KINDS,
    TIMESTAMP_FORMATS,
    ErrorSpec,
    Expiry,
    ResponseSpec,
    default_of,
    keys_of,
)


class AnswerChecks(Checks):
    """Reads the ``response`` and ``errors`` sections (and those of each first-token request)."""

    def expiry(self, value: Any, path: str) -> Expiry | None:
        if value is None:
            return None
        spec = self.mapping(value, path, keys_of(Expiry))
        fld = self.text(spec.get("field"), f"{path}.field")
        assert fld is not None
        kind = self.choice(spec.get("kind", default_of(Expiry, "kind")), f"{path}.kind", EXPIRY_KINDS)
        fmt = spec.get("format", default_of(Expiry, "format"))
        if kind == "timestamp":
            if fmt is None:
                raise self.fail(
                    f"{path}.format", f"is required for a timestamp: one of {', '.join(TIMESTAMP_FORMATS)}"
                )
            return Expiry(field=fld, kind=kind, format=self.choice(fmt, f"{path}.format", TIMESTAMP_FORMATS))
        if fmt is not None:
            raise self.fail(f"{path}.format", "only applies to kind 'timestamp'")
        return Expiry(field=fld, kind=kind)

    def response(self, value: Any, path: str = "response") -> ResponseSpec:
        spec = self.mapping(value, path, keys_of(ResponseSpec))
        paths: dict[str, str | None] = {}
        for key in ("access_token", "refresh_token", "token_type", "scope", "id_token"):
            written = spec.get(key, default_of(ResponseSpec, key))
            paths[key] = self.text(written, f"{path}.{key}", optional=key != "access_token")
        if "expires" in spec:
            expires = self.expiry(spec["expires"], f"{path}.expires")
        else:
            expires = default_of(ResponseSpec, "expires")
        return ResponseSpec(
            access_token=str(paths["access_token"]),
            refresh_token=paths["refresh_token"],
            token_type=paths["token_type"],
            scope=paths["scope"],
            id_token=paths["id_token"],
            expires=expires,
            refresh_expires=self.expiry(spec["refresh_expires"], f"{path}.refresh_expires")
            if "refresh_expires" in spec
            else default_of(ResponseSpec, "refresh_expires"),
            default_lifetime=self.number(
                spec.get("default_lifetime", default_of(ResponseSpec, "default_lifetime")),
                f"{path}.default_lifetime",
            ),
            extra=self.paths(spec.get("extra", default_of(ResponseSpec, "extra")), f"{path}.extra", paths),
            encoding=self.choice(
                spec.get("encoding", default_of(ResponseSpec, "encoding")),
                f"{path}.encoding",
                ANSWER_ENCODINGS,
            ),
        )

    def paths(self, value: Any, path: str, secret: Mapping[str, str | None]) -> tuple[str, ...]:
        """``response.extra``: dotted paths, none of them one of the answer's secrets."""
        if not isinstance(value, (list, tuple)):
            raise self.fail(path, f"must be a list of dotted field paths, got {value!r}")
        for item in value:
            self.text(item, path)
            if item in (secret.get("access_token"), secret.get("refresh_token"), secret.get("id_token")):
                raise self.fail(path, f"{item!r} is a token: extra fields are shown, never secrets")
        return tuple(value)

    def errors(self, value: Any, path: str = "errors") -> ErrorSpec:
        spec = self.mapping(value, path, keys_of(ErrorSpec))
        statuses = spec.get("invalid_grant_status", default_of(ErrorSpec, "invalid_grant_status"))
        if not isinstance(statuses, (list, tuple)) or not all(
            isinstance(s, int) and 400 <= s < 500 for s in statuses
        ):
            raise self.fail(
                f"{path}.invalid_grant_status", f"must be a list of 4xx status codes, got {statuses!r}"
            )
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("invalid_grant_codes", "invalid_grant_messages"):
            items = spec.get(key, default_of(ErrorSpec, key))
            if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
                raise self.fail(f"{path}.{key}", f"must be a list of strings, got {items!r}")
            lists[key] = tuple(items)
        fields = {
            key: str(self.text(spec.get(key, default_of(ErrorSpec, key)), f"{path}.{key}"))
            for key in ("code_field", "message_field")
        }
        status_field = self.text(
            spec.get("status_field", default_of(ErrorSpec, "status_field")),
            f"{path}.status_field",
            optional=True,
        )
        ok_status = spec.get("ok_status", default_of(ErrorSpec, "ok_status"))
        if not isinstance(ok_status, (list, tuple)) or not all(
            isinstance(v, (int, str, bool)) for v in ok_status
        ):
            raise self.fail(
                f"{path}.ok_status", f"must be a list of numbers, strings or booleans, got {ok_status!r}"
            )
        if (status_field is None) != (not ok_status):
            raise self.fail(
                f"{path}.ok_status" if status_field else f"{path}.status_field",
                "status_field and ok_status go together: the field, and the values that mean success",
            )
        return ErrorSpec(
            status_field=status_field,
            ok_status=tuple(ok_status),
            invalid_grant_status=tuple(statuses),
            invalid_grant_codes=lists["invalid_grant_codes"],
            invalid_grant_messages=tuple(m.lower() for m in lists["invalid_grant_messages"]),
            code_field=fields["code_field"],
            message_field=fields["message_field"],
        )
