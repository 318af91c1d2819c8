"""Type stub of genie's native module. Kept true to the runtime by tests/test_stubs.py."""

import os
from typing import (
    Any,
    Awaitable,
    ClassVar,
    Coroutine,
    Dict,
    Iterator,
    List,
    Literal,
    Optional,
    Tuple,
    Union,
    final,
)

__version__: str

_Data = Union[bytes, bytearray, memoryview]
_EventType = Literal["text", "usage", "finish", "error", "malformed"]
_FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error", "other"]
_ErrorKind = Literal["rate_limit", "overloaded", "invalid_request", "content_filter", "other"]
_Provider = Literal["gemini", "openai", "openai-responses", "anthropic"]
_Operator = Literal["replace", "mask", "hash", "remove", "placeholder"]
_Config = Union[Dict[str, Any], str, "os.PathLike[str]", None]
_ClientConfig = Union[Dict[str, Any], str, "os.PathLike[str]"]
_Request = Dict[str, Any]
_CallEventType = Literal["started", "text", "reset", "notice", "usage", "done"]
_AttemptMode = Literal["stream", "non_stream", "reconnect"]
_NoticeKind = Literal[
    "retrying", "reconnecting", "non_stream_fallback", "failed_over", "circuit_open"
]

def error_table() -> List[Dict[str, Union[str, int]]]:
    """The error table genie was built with: one ``{"code": str, "status": int}`` per kind."""

@final
class SseEvent:
    """One event dispatched by :class:`SseParser`. Immutable; compares equal by value."""

    @property
    def event(self) -> str:
        """The event type: the stream's last ``event:`` field for this event, or ``"message"``."""
    @property
    def data(self) -> str:
        """The event's ``data:`` lines joined with ``"\\n"``."""
    @property
    def id(self) -> str:
        """The last-event-ID in effect when the event was dispatched (``""`` if none)."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class SseParser:
    """An incremental server-sent events parser (WHATWG HTML §9.2), bytes in, events out."""

    def __init__(
        self, max_line_bytes: Optional[int] = None, max_event_bytes: Optional[int] = None
    ) -> None: ...
    def feed(self, data: _Data) -> List[SseEvent]:
        """Parses ``data`` and returns the events it completed, in order."""
    def finish(self) -> None:
        """Ends the current connection's stream; an unfinished event is discarded."""
    @property
    def last_event_id(self) -> str:
        """The last-event-ID string: send it as ``Last-Event-ID`` on reconnect when non-empty."""
    @property
    def retry_ms(self) -> Optional[int]:
        """The reconnection time in milliseconds the stream set with ``retry:``, or ``None``."""

@final
class Usage:
    """Token counts as the provider reported them (``None`` where it reported none)."""

    @property
    def input_tokens(self) -> Optional[int]:
        """Prompt tokens, cached ones included."""
    @property
    def output_tokens(self) -> Optional[int]:
        """Answer tokens."""
    @property
    def total_tokens(self) -> Optional[int]:
        """What the provider bills as the total."""
    @property
    def cached_tokens(self) -> Optional[int]:
        """Prompt tokens served from the provider's cache."""
    @property
    def reasoning_tokens(self) -> Optional[int]:
        """Reasoning ("thinking") tokens."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ProviderError:
    """An error the provider reported inside the stream (a record, not an exception)."""

    @property
    def kind(self) -> _ErrorKind:
        """The normalised class of the error."""
    @property
    def message(self) -> str:
        """The provider's message."""
    @property
    def code(self) -> Optional[str]:
        """The provider's own error type, code or status string, or ``None``."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class StreamEvent:
    """One decoded happening in a provider stream; ``type`` says which fields are set."""

    @property
    def type(self) -> _EventType:
        """``"text"``, ``"usage"``, ``"finish"``, ``"error"`` or ``"malformed"``."""
    @property
    def text(self) -> Optional[str]:
        """The text delta of a ``"text"`` event."""
    @property
    def usage(self) -> Optional[Usage]:
        """The :class:`Usage` of a ``"usage"`` event."""
    @property
    def finish_reason(self) -> Optional[_FinishReason]:
        """The normalised reason of a ``"finish"`` event."""
    @property
    def raw_finish_reason(self) -> Optional[str]:
        """The provider's own finish reason of a ``"finish"`` event."""
    @property
    def error(self) -> Optional[ProviderError]:
        """The :class:`ProviderError` of an ``"error"`` event."""
    @property
    def message(self) -> Optional[str]:
        """What was wrong with a ``"malformed"`` event (wording not stable)."""
    @property
    def payload(self) -> Optional[str]:
        """The unmodified data of a ``"malformed"`` event."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class StreamSummary:
    """What a whole stream amounted to, returned by :meth:`StreamDecoder.finish`."""

    @property
    def provider(self) -> _Provider:
        """The provider name whose wire format was decoded."""
    @property
    def text(self) -> str:
        """All text deltas, concatenated."""
    @property
    def usage(self) -> Usage:
        """The final :class:`Usage`."""
    @property
    def finish_reason(self) -> Optional[_FinishReason]:
        """The normalised finish reason, or ``None`` if the provider sent none."""
    @property
    def raw_finish_reason(self) -> Optional[str]:
        """The provider's own finish reason, or ``None``."""
    @property
    def complete(self) -> bool:
        """Whether the provider's end marker arrived."""
    @property
    def error(self) -> Optional[ProviderError]:
        """The last in-band :class:`ProviderError`, or ``None``."""
    @property
    def malformed_events(self) -> int:
        """How many events were skipped as malformed."""
    @property
    def keepalives(self) -> int:
        """How many keep-alives (SSE comments and provider pings) arrived."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class StreamDecoder:
    """Decodes one provider's streaming response body, chunk by chunk."""

    def __init__(
        self,
        provider: str,
        *,
        max_line_bytes: Optional[int] = None,
        max_event_bytes: Optional[int] = None,
    ) -> None: ...
    def feed(self, data: _Data) -> List[StreamEvent]:
        """Decodes ``data`` and returns the events it completed, in order."""
    def finish(self) -> StreamSummary:
        """Ends the stream and returns its :class:`StreamSummary`; the decoder can be reused."""
    @property
    def provider(self) -> _Provider:
        """The provider name this decoder reads."""
    @property
    def complete(self) -> bool:
        """Whether the provider's end marker has arrived so far."""

@final
class Finding:
    """One piece of PII found in a text: its type and where it is (never the value)."""

    @property
    def type(self) -> str:
        """The entity type: ``"EMAIL"``, ``"PHONE"``, ... or a tenant type of the config."""
    @property
    def start(self) -> int:
        """Code point offset of the value's first character (``text[start:end]`` is the value)."""
    @property
    def end(self) -> int:
        """Code point offset just after the value's last character."""
    @property
    def operator(self) -> Optional[_Operator]:
        """The operator that replaced the value; ``None`` from :meth:`Redactor.find`."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Mapping:
    """Placeholders and the original values they stand for (``"[EMAIL_1]"`` → the address).

    Read-only and dict-like; its ``repr`` never shows the values.
    """

    def __getitem__(self, placeholder: str) -> str: ...
    def __len__(self) -> int: ...
    def __contains__(self, placeholder: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def get(self, placeholder: str, default: Optional[str] = None) -> Optional[str]:
        """The value of ``placeholder``, or ``default`` when it holds no such placeholder."""
    def keys(self) -> List[str]:
        """The placeholders, in sorted order."""
    def values(self) -> List[str]:
        """The original values, in the order of :meth:`keys`."""
    def items(self) -> List[Tuple[str, str]]:
        """``(placeholder, value)`` pairs, in the order of :meth:`keys`."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Redacted:
    """The result of :meth:`Redactor.redact`."""

    @property
    def text(self) -> str:
        """The redacted text: every finding replaced by its operator's output."""
    @property
    def findings(self) -> List[Finding]:
        """What was found, in text order, with code point offsets into the input text."""
    @property
    def mapping(self) -> Mapping:
        """The placeholder :class:`Mapping` (empty unless the ``placeholder`` operator ran)."""
    @property
    def counts(self) -> Dict[str, int]:
        """Findings per type name (``{"EMAIL": 2}``); types with none are absent."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Redactor:
    """Finds and redacts PII in text. Immutable and thread-safe; fails closed."""

    def __init__(self, config: _Config = None) -> None: ...
    def find(self, text: str) -> List[Finding]:
        """The PII in ``text``, sorted by ``start``, never overlapping (``operator`` is ``None``)."""
    def redact(self, text: str) -> Redacted:
        """Redacts ``text``; on an internal failure raises :class:`RedactionFailedError`, no text."""
    def restore(self, text: str, mapping: Union[Mapping, Dict[str, str]]) -> str:
        """Puts the original values of ``mapping``'s placeholders back into ``text``."""

@final
class StreamRedactor:
    """Redacts a text that arrives in pieces (a streamed answer); output equals whole-text redaction."""

    def __init__(self, redactor: Redactor) -> None: ...
    def push(self, chunk: str) -> str:
        """Takes the next chunk and returns the redacted text that can be released now (maybe ``""``)."""
    def flush(self) -> str:
        """Ends the text and returns the rest of the redacted text."""
    @property
    def mapping(self) -> Mapping:
        """The placeholders given so far (a snapshot)."""
    @property
    def findings(self) -> List[Finding]:
        """The findings so far, with code point offsets into the whole stream's original text."""
    @property
    def counts(self) -> Dict[str, int]:
        """Findings per type name so far."""

@final
class StreamRestorer:
    """Restores a model's streamed answer; output equals :meth:`Redactor.restore` of the whole."""

    def __init__(self, mapping: Union[Mapping, Dict[str, str]]) -> None: ...
    def push(self, chunk: str) -> str:
        """Takes the next chunk and returns the restored text that can be released now (maybe ``""``)."""
    def flush(self) -> str:
        """Ends the answer and returns the rest of the restored text."""

@final
class Attempt:
    """One attempt of a call: which model was asked, how, and how it ended."""

    @property
    def model(self) -> str:
        """The catalogue name of the model asked."""
    @property
    def provider(self) -> str:
        """The provider's name in the config."""
    @property
    def mode(self) -> _AttemptMode:
        """How it asked: ``"stream"``, ``"non_stream"`` or ``"reconnect"``."""
    @property
    def outcome(self) -> str:
        """``"ok"``, or the code of the error that ended the attempt (``"STREAM_STALLED"``)."""
    @property
    def http_status(self) -> Optional[int]:
        """The response's HTTP status, or ``None`` when no headers arrived."""
    @property
    def error_code(self) -> Optional[str]:
        """The provider's error code or type, or ``None``."""
    @property
    def duration_ms(self) -> int:
        """Milliseconds from sending the request to the attempt's end."""
    @property
    def waited_ms(self) -> int:
        """Milliseconds of backoff waited before the attempt."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CallSummary:
    """What a served call amounted to (``complete`` is always ``True``)."""

    @property
    def model(self) -> str:
        """The catalogue name of the model that answered."""
    @property
    def provider(self) -> str:
        """Its provider's name in the config."""
    @property
    def text(self) -> str:
        """The whole answer (what remains after the last ``reset``)."""
    @property
    def usage(self) -> Usage:
        """The answering attempt's :class:`Usage` (failed attempts are not billed to it)."""
    @property
    def finish_reason(self) -> Optional[_FinishReason]:
        """Why the model stopped, or ``None``."""
    @property
    def raw_finish_reason(self) -> Optional[str]:
        """The provider's own finish reason, or ``None``."""
    @property
    def complete(self) -> bool:
        """Always ``True``: a truncated answer is never summarised as served."""
    @property
    def ttfb_ms(self) -> float:
        """Milliseconds from the call's start to the answering attempt's response headers."""
    @property
    def ttft_ms(self) -> Optional[float]:
        """Milliseconds from the call's start to the first text kept (``None``: empty answer)."""
    @property
    def total_ms(self) -> float:
        """Milliseconds from the call's start to its end."""
    @property
    def output_tokens_per_s(self) -> Optional[float]:
        """Output tokens per second from the first kept text to the end, or ``None``."""
    @property
    def malformed_events(self) -> int:
        """Events skipped as malformed across the call's attempts."""
    @property
    def attempts(self) -> List[Attempt]:
        """Every :class:`Attempt`, in order, the answering one last."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CallEvent:
    """One thing that happened during a call; ``type`` says which fields are set."""

    @property
    def type(self) -> _CallEventType:
        """``"started"``, ``"text"``, ``"reset"``, ``"notice"``, ``"usage"`` or ``"done"``."""
    @property
    def model(self) -> Optional[str]:
        """The model of a ``"started"``, ``"reset"`` or ``"notice"`` event."""
    @property
    def provider(self) -> Optional[str]:
        """The provider name of a ``"started"`` event."""
    @property
    def attempt(self) -> Optional[int]:
        """The 1-based attempt number of a ``"started"`` event."""
    @property
    def mode(self) -> Optional[Literal["stream", "non_stream"]]:
        """``"stream"`` or ``"non_stream"`` for a ``"started"`` event."""
    @property
    def text(self) -> Optional[str]:
        """The text delta of a ``"text"`` event."""
    @property
    def reason(self) -> Optional[str]:
        """Why the text shown must be discarded, for a ``"reset"`` event."""
    @property
    def kind(self) -> Optional[_NoticeKind]:
        """The kind of a ``"notice"`` event."""
    @property
    def message(self) -> Optional[str]:
        """The short user-facing sentence of a ``"notice"`` event."""
    @property
    def delay_ms(self) -> Optional[int]:
        """The wait before the next attempt, for a ``"notice"`` event that has one."""
    @property
    def usage(self) -> Optional[Usage]:
        """The :class:`Usage` of a ``"usage"`` event."""
    @property
    def summary(self) -> Optional[CallSummary]:
        """The :class:`CallSummary` of a ``"done"`` event."""
    def __eq__(self, other: object) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CallStream:
    """The events of one call, for ``async for`` (from :meth:`Client.stream`)."""

    def __aiter__(self) -> CallStream: ...
    def __anext__(self) -> Awaitable[CallEvent]: ...
    def close(self) -> None:
        """Ends the call now, aborting its HTTP request; the stream then ends."""

@final
class SyncCallStream:
    """The events of one call, for a plain ``for`` loop (from :meth:`Client.stream_sync`)."""

    def __iter__(self) -> SyncCallStream: ...
    def __next__(self) -> CallEvent: ...
    def close(self) -> None:
        """Ends the call now (from any thread), aborting its HTTP request; the stream then ends."""

@final
class Client:
    """genie's resilient LLM client. Thread-safe: share one between threads and tasks."""

    def __init__(self, config: _ClientConfig) -> None: ...
    def stream(self, request: _Request) -> CallStream:
        """Starts a call; ``async for ev in client.stream(request)`` gives its events."""
    def stream_sync(self, request: _Request) -> SyncCallStream:
        """Starts a call; ``for ev in client.stream_sync(request)`` gives its events."""
    def complete(self, request: _Request) -> Coroutine[Any, Any, CallSummary]:
        """Runs a call to its end: ``await`` gives its :class:`CallSummary`. The call starts at
        once; ``asyncio.create_task`` takes the coroutine too. Cancelling the awaiting task, or
        dropping the coroutine unawaited, aborts it."""
    def complete_sync(self, request: _Request) -> CallSummary:
        """Runs a call to its end (GIL released, Ctrl-C works) and returns its summary."""
