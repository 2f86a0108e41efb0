"""The request pipeline shared by the sync and async clients: build, classify, parse.

Everything here is a plain function of its inputs. The two clients differ only in how they
send bytes and how they sleep between retries (client.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from . import _json
from ._endpoints import Endpoint
from ._validation import check
from .errors import (
    STATUS_ERRORS,
    APIError,
    APIStatusError,
    InternalServerError,
    InvalidRequestError,
    ManagementKeyRequiredError,
    PartialOutput,
    ResponseValidationError,
    _redact,
)


class NotGiven:
    """Marks an argument the caller did not pass (distinct from an explicit None)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def redact(text: str) -> str:
    """Hide the clients' own keys (whatever their form) and anything like an OpenRouter key."""
    return _redact(text)


_PLAIN = (str, int, float, type(None))
_PLAIN_OR_DICT = (*_PLAIN, dict)


def _model_to_json(value: Any) -> Any:
    """JSON encoder hook: a pydantic object at any depth becomes its wire dict."""
    dump = getattr(value, "model_dump", None)
    if dump is None or isinstance(value, type):
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    return dump(mode="json", exclude_none=True, by_alias=True)


def to_wire(value: Any) -> Any:
    """A top-level parameter as validation reads it: models become dicts, tuples become lists.

    Only the top level and the items of a top-level list are converted here (the rules look at
    no deeper); a model nested further, such as `{"role": "assistant", "tool_calls":
    message.tool_calls}`, is converted by the JSON encoder, so bodies are not walked twice.
    """
    if isinstance(value, _PLAIN):
        return value
    # Duck-typed, so importing the client does not import pydantic.
    dump = getattr(value, "model_dump", None)
    if dump is not None and not isinstance(value, type):
        return dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(value, (list, tuple)):
        items: list[Any] | None = None
        for position, item in enumerate(value):
            if isinstance(item, _PLAIN_OR_DICT):
                continue  # the common cases (texts to embed, message dicts): nothing to do
            item_dump = getattr(item, "model_dump", None)
            if item_dump is not None and not isinstance(item, type):
                if items is None:
                    items = list(value)
                items[position] = item_dump(mode="json", exclude_none=True, by_alias=True)
        if items is not None:
            return items
        return list(value) if isinstance(value, tuple) else value
    return value


def build_body(params: Mapping[str, Any], extra_body: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop absent parameters, convert model objects, and merge `extra_body` last (it wins)."""
    body = {key: to_wire(value) for key, value in params.items() if value is not None}
    if extra_body:
        body.update(extra_body)
    return body


def encode_body(body: Mapping[str, Any]) -> bytes:
    """JSON bytes of the body; a value JSON cannot carry raises naming its field."""
    try:
        return _json.dumps(body, default=_model_to_json)
    except _json.NonFiniteNumberError as exc:
        raise InvalidRequestError(
            exc.path, "NaN and Infinity cannot be sent (JSON has no such numbers)"
        ) from None
    except (TypeError, ValueError, UnicodeError):
        for key, value in body.items():
            try:
                _json.dumps({key: value}, default=_model_to_json)
            except (TypeError, ValueError, UnicodeError) as exc:
                raise InvalidRequestError(
                    key, f"expected JSON-serialisable UTF-8 data ({type(exc).__name__}: {exc})"
                ) from None
        raise


_DOT_SEGMENTS = frozenset({".", ".."})


def build_path(endpoint: Endpoint, path_params: Mapping[str, str] | None) -> str:
    """The endpoint's path with each parameter as exactly one percent-encoded segment.

    Every character outside the unreserved set is encoded (a `/` in an id stays inside its
    segment), and empty, `.` and `..` ids are refused: URL normalisation would turn them into
    another path (`keys.get("..")` would reach `GET /api/v1`).
    """
    if not path_params:
        return endpoint.path
    values = {}
    for key, value in path_params.items():
        if not isinstance(value, str) or not value:
            raise InvalidRequestError(key, f"expected a non-empty string, got {value!r}")
        if value in _DOT_SEGMENTS:
            raise InvalidRequestError(
                key, f"{value!r} is not an id: as a path segment it would change the URL's path"
            )
        values[key] = quote(value, safe="")
    return endpoint.path.format(**values)


def build_query(
    query: Mapping[str, Any] | None, extra_query: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    if not query and not extra_query:
        return None
    params: dict[str, Any] = {}
    for key, value in (query or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        params[key] = value
    if extra_query:
        params.update(extra_query)
    return params


def multipart_parts(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a body into its form fields and its `file` part (read from any accepted form)."""
    from ._binary import file_part

    fields = dict(body)
    return fields, {"file": file_part("file", fields.pop("file"))}


def form_fields(body: Mapping[str, Any] | None) -> dict[str, str]:
    """Form values for a multipart upload: strings as they are, anything else as JSON."""
    from ._json import dumps

    return {
        key: value if isinstance(value, str) else dumps(value).decode()
        for key, value in (body or {}).items()
        if value is not None
    }


def prepare(
    endpoint: Endpoint,
    *,
    path_params: Mapping[str, str] | None,
    query: Mapping[str, Any] | None,
    body: Mapping[str, Any] | None,
    extra_query: Mapping[str, Any] | None,
    extra_body: Mapping[str, Any] | None,
) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None, bytes | None]:
    """Validate and encode a call: (path, query params, body, body bytes). Raises before any I/O."""
    merged: dict[str, Any] | None = None
    payload: bytes | None = None
    if body is not None or extra_body:
        merged = build_body(body or {}, extra_body)
        if endpoint.rules:
            check(endpoint.rules, merged)
        payload = encode_body(merged)
    return build_path(endpoint, path_params), build_query(query, extra_query), merged, payload


# -- reading responses -------------------------------------------------------------------


def _error_fields(payload: Any) -> tuple[str | None, Any, dict[str, Any] | None, Any]:
    """(message, code, metadata, user_id) from `{"error": {...}}` or a bare error body."""
    if not isinstance(payload, dict):
        return None, None, None, None
    error = payload.get("error")
    if isinstance(error, dict):
        metadata = error.get("metadata")
        if not isinstance(metadata, dict):
            metadata = (
                payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None
            )
        message = error.get("message")
        return (
            (str(message) if message is not None else None),
            error.get("code"),
            metadata,
            payload.get("user_id"),
        )
    if isinstance(error, str):
        return error, payload.get("code"), None, payload.get("user_id")
    message = payload.get("message")
    return (str(message) if message is not None else None), payload.get("code"), None, None


def status_error(endpoint: Endpoint, response: httpx.Response) -> APIStatusError:
    """The typed error for a 4xx/5xx response (its body must already be read)."""
    content = response.content
    try:
        payload = _json.loads(content) if content else None
    except ValueError:
        payload = None
    message, code, metadata, _ = _error_fields(payload)
    status = response.status_code
    if message is None:
        text = content[:500].decode("utf-8", errors="replace").strip()
        message = text or response.reason_phrase or f"HTTP {status}"
    message = redact(message)
    cls = STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    if endpoint.management and (
        status == 403
        or (
            status == 401 and ("management" in message.lower() or "provisioning" in message.lower())
        )
    ):
        cls = ManagementKeyRequiredError
        message = f"{message} ({endpoint.method} {endpoint.path} needs a management key, not an ordinary API key; create one at https://openrouter.ai/settings/management-keys)"
    return cls(
        message,
        response=response,
        code=code if code is not None else status,
        metadata=metadata,
        generation_id=response.headers.get("x-generation-id"),
        body=payload,
    )


def body_error(
    endpoint: Endpoint, response: httpx.Response, payload: Mapping[str, Any]
) -> APIError:
    """The typed error for a 2xx response whose body is an error object."""
    message, code, metadata, _ = _error_fields(payload)
    message = redact(message or "Error in response body")
    kwargs: dict[str, Any] = {
        "code": code,
        "metadata": metadata,
        "headers": response.headers,
        "generation_id": response.headers.get("x-generation-id"),
        "body": dict(payload),
    }
    cls = STATUS_ERRORS.get(code) if isinstance(code, int) else None
    if cls is not None:
        # the status the body names, not the 200 it arrived with (also in the error's text)
        return cls(message, response=response, status_code=code, **kwargs)
    return APIError(message, status_code=None, **kwargs)


def parse_response(endpoint: Endpoint, response: httpx.Response) -> Any:
    """The typed result of a successful response; error bodies raise, malformed ones too."""
    content = response.content
    model = endpoint.response_model
    parse_json = endpoint.parse_json
    if parse_json is not None:
        try:
            payload = _json.loads(content)
        except ValueError:
            raise ResponseValidationError(
                f"{endpoint.method} {endpoint.path} returned a body that is not JSON",
                body=content[:2000],
                status_code=response.status_code,
            ) from None
        if isinstance(payload, dict) and isinstance(payload.get("error"), (dict, str)):
            raise body_error(endpoint, response, payload)
        try:
            return parse_json(payload)
        except (
            TypeError,
            ValueError,
            KeyError,
        ) as exc:  # pydantic's ValidationError is a ValueError
            raise ResponseValidationError(
                f"{endpoint.method} {endpoint.path} returned an unexpected shape: {exc}",
                body=content[:2000],
                status_code=response.status_code,
            ) from None
    if model is None:
        return None
    try:
        result = model.model_validate_json(content)
    except ValueError as exc:  # pydantic's ValidationError
        try:
            payload = _json.loads(content)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("error"), (dict, str)):
            raise body_error(endpoint, response, payload) from None
        raise ResponseValidationError(
            f"{endpoint.method} {endpoint.path} returned an unexpected shape: {exc}",
            body=content[:2000],
            status_code=response.status_code,
        ) from None
    extra = result.__pydantic_extra__
    if extra and isinstance(extra.get("error"), dict):
        raise body_error(
            endpoint,
            response,
            {"error": extra["error"], **{k: v for k, v in extra.items() if k != "error"}},
        )
    return result


def event_parser(endpoint: Endpoint) -> Any:
    """The function that turns one event's data of this endpoint into its typed event."""
    event_type = endpoint.stream_model
    assert event_type is not None, f"{endpoint.name} does not stream"
    # the validator itself: model_validate_json's wrapper costs ~10% of a chunk's parse
    return endpoint.parse_sse or event_type.__pydantic_validator__.validate_json


def stream_partial(endpoint: Endpoint) -> Any:
    """The function that assembles what a stream of this endpoint delivered before an error."""
    return endpoint.partial_output or chat_partial


# -- chat streams: what arrived before an error ------------------------------------------


def chat_partial(chunks: list[Any]) -> PartialOutput:
    """Assemble text, reasoning, tool-call fragments and usage from chat chunks."""
    text: list[str] = []
    reasoning: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    usage = None
    for chunk in chunks:
        if getattr(chunk, "usage", None) is not None:
            usage = chunk.usage
        for choice in getattr(chunk, "choices", None) or ():
            if choice.index != 0 or choice.delta is None:
                continue
            delta = choice.delta
            if delta.content:
                text.append(delta.content)
            if delta.reasoning:
                reasoning.append(delta.reasoning)
            for call in delta.tool_calls or ():
                entry = calls.setdefault(
                    call.index,
                    {"id": None, "type": "function", "function": {"name": "", "arguments": ""}},
                )
                if call.id:
                    entry["id"] = call.id
                if call.function is not None:
                    if call.function.name:
                        entry["function"]["name"] += call.function.name
                    if call.function.arguments:
                        entry["function"]["arguments"] += call.function.arguments
    return PartialOutput(
        text="".join(text),
        reasoning="".join(reasoning),
        tool_calls=[calls[i] for i in sorted(calls)],
        usage=usage,
        chunks=len(chunks),
    )
