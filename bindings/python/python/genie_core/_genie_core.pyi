"""Type stub of genie's native module. Kept true to the runtime by tests/test_stubs.py."""

from typing import ClassVar, Dict, List, Literal, Optional, Union, final

__version__: str

_Data = Union[bytes, bytearray, memoryview]
_EventType = Literal["text", "usage", "finish", "error", "malformed"]
_FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error", "other"]
_ErrorKind = Literal["rate_limit", "overloaded", "invalid_request", "content_filter", "other"]
_Provider = Literal["gemini", "openai", "openai-responses", "anthropic"]

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
