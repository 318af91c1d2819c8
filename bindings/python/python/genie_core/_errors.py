"""The exception classes of genie_core: one per entry of genie's error table.

Every genie failure raises a :class:`GenieError` subclass with a stable ``code`` string and
``status`` number, the same in C, Python and Node (``tests/fixtures/errors.json``). Each class
also subclasses the builtin exception a Python caller would naturally catch (``ValueError``,
``TimeoutError``, ``ConnectionError``, ...). The native module raises them by looking the class
up in :data:`_BY_CODE` by the core's code string. An error that ends a client call also says
what the call went through: ``attempts``, ``http_status``, ``provider_code``,
``retry_after_ms``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Optional, Type

if TYPE_CHECKING:
    from genie_core._genie_core import Attempt


class GenieError(Exception):
    """Base class of every genie exception.

    ``code`` (``"LIMIT_EXCEEDED"``) and ``status`` (``1004``) identify the kind, stably across
    languages and versions; ``message`` says what went wrong and what to fix. Never raised
    itself: genie raises the subclass of the kind.
    """

    code: ClassVar[str] = "GENIE_ERROR"
    """The stable code string of the error kind (``"LIMIT_EXCEEDED"``)."""
    status: ClassVar[int] = 0
    """The stable number of the error kind (``1004``), as in C's ``genie_status``."""

    def __init__(
        self,
        message: str = "",
        *,
        attempts: Optional[List[Attempt]] = None,
        http_status: Optional[int] = None,
        provider_code: Optional[str] = None,
        retry_after_ms: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        """What went wrong and what to fix, without the code prefix."""
        self.attempts: List[Attempt] = [] if attempts is None else attempts
        """For a client call: every attempt it made, in order (empty when none was made)."""
        self.http_status: Optional[int] = http_status
        """For a client call: the HTTP status of the provider response behind the error."""
        self.provider_code: Optional[str] = provider_code
        """For a client call: the provider's own error code or type (``"insufficient_quota"``)."""
        self.retry_after_ms: Optional[int] = retry_after_ms
        """For a client call: how long the provider asked to wait before trying again."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


class InvalidArgumentError(GenieError, ValueError, TypeError):
    """An argument is not acceptable: a wrong type (``str`` instead of ``bytes``, ``None``, a number), an unknown provider name, a limit that is not > 0."""

    code: ClassVar[str] = "INVALID_ARGUMENT"
    status: ClassVar[int] = 1000


class NullArgumentError(GenieError, ValueError):
    """A required pointer was NULL (raised by the C library; listed so the table is whole)."""

    code: ClassVar[str] = "NULL_ARGUMENT"
    status: ClassVar[int] = 1001


class InvalidUtf8Error(GenieError, ValueError):
    """Text that must be UTF-8 is not."""

    code: ClassVar[str] = "INVALID_UTF8"
    status: ClassVar[int] = 1002


class InvalidConfigError(GenieError, ValueError):
    """A configuration document is invalid; the message names the path and the reason."""

    code: ClassVar[str] = "INVALID_CONFIG"
    status: ClassVar[int] = 1003


class LimitExceededError(GenieError, ValueError):
    """An SSE line or event is larger than the configured limit.

    Raised by ``feed``, and recoverable: the oversized event was dropped, the parser carries on,
    and :attr:`events` holds the events the same ``feed`` call would have returned."""

    code: ClassVar[str] = "LIMIT_EXCEEDED"
    status: ClassVar[int] = 1004

    def __init__(self, message: str = "", events: List[Any] | None = None) -> None:
        super().__init__(message)
        self.events: List[Any] = [] if events is None else events
        """The events the failing ``feed`` call dispatched (``SseEvent`` or ``StreamEvent``)."""


class UpstreamHttpError(GenieError):
    """The provider answered with an HTTP error not covered by a more specific class."""

    code: ClassVar[str] = "UPSTREAM_HTTP"
    status: ClassVar[int] = 2000


class RateLimitedError(GenieError):
    """The provider is rate limiting (HTTP 429 or an in-band rate-limit error)."""

    code: ClassVar[str] = "RATE_LIMITED"
    status: ClassVar[int] = 2001


class PaymentRequiredError(GenieError):
    """The provider wants payment or credits (HTTP 402)."""

    code: ClassVar[str] = "PAYMENT_REQUIRED"
    status: ClassVar[int] = 2002


class ContextLengthExceededError(GenieError, ValueError):
    """The prompt does not fit the model's context window."""

    code: ClassVar[str] = "CONTEXT_LENGTH_EXCEEDED"
    status: ClassVar[int] = 2003


class ContentFilteredError(GenieError):
    """The provider refused the prompt or the answer on content policy grounds."""

    code: ClassVar[str] = "CONTENT_FILTERED"
    status: ClassVar[int] = 2004


class MalformedResponseError(GenieError, ValueError):
    """The provider sent bytes that are not its documented wire format."""

    code: ClassVar[str] = "MALFORMED_RESPONSE"
    status: ClassVar[int] = 2005


class StreamStalledError(GenieError, TimeoutError):
    """No byte arrived for longer than the stall gap."""

    code: ClassVar[str] = "STREAM_STALLED"
    status: ClassVar[int] = 3000


class StreamIncompleteError(GenieError, ConnectionError):
    """The stream ended without the provider's end marker: the answer is truncated."""

    code: ClassVar[str] = "STREAM_INCOMPLETE"
    status: ClassVar[int] = 3001


class DeadlineExceededError(GenieError, TimeoutError):
    """A deadline passed (connect, first byte, or the call's total deadline)."""

    code: ClassVar[str] = "DEADLINE_EXCEEDED"
    status: ClassVar[int] = 3002


class TransportError(GenieError, ConnectionError):
    """The connection failed (refused, reset, TLS, DNS)."""

    code: ClassVar[str] = "TRANSPORT"
    status: ClassVar[int] = 3003


class CancelledError(GenieError):
    """The caller cancelled the operation."""

    code: ClassVar[str] = "CANCELLED"
    status: ClassVar[int] = 3004


class RedactionFailedError(GenieError):
    """PII redaction failed; no unredacted text was returned."""

    code: ClassVar[str] = "REDACTION_FAILED"
    status: ClassVar[int] = 4000


class BudgetExceededError(GenieError):
    """The tenant's token budget does not allow this request."""

    code: ClassVar[str] = "BUDGET_EXCEEDED"
    status: ClassVar[int] = 4001


class NoRouteError(GenieError):
    """No model in the route can serve this request."""

    code: ClassVar[str] = "NO_ROUTE"
    status: ClassVar[int] = 4002


class InternalError(GenieError, RuntimeError):
    """A bug inside genie (a panic was caught at the language boundary); please report it."""

    code: ClassVar[str] = "INTERNAL"
    status: ClassVar[int] = 9000


_BY_CODE: Dict[str, Type[GenieError]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        NullArgumentError,
        InvalidUtf8Error,
        InvalidConfigError,
        LimitExceededError,
        UpstreamHttpError,
        RateLimitedError,
        PaymentRequiredError,
        ContextLengthExceededError,
        ContentFilteredError,
        MalformedResponseError,
        StreamStalledError,
        StreamIncompleteError,
        DeadlineExceededError,
        TransportError,
        CancelledError,
        RedactionFailedError,
        BudgetExceededError,
        NoRouteError,
        InternalError,
    )
}
"""Exception class by error code: how the native module picks the class to raise."""
