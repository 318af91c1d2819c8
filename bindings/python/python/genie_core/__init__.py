"""genie_core: genie's guardrails for LLM app servers, in-process.

This release holds the foundation: an exact, fast server-sent events parser
(:class:`SseParser`) and decoders for the streaming responses of Gemini, OpenAI Chat
Completions, OpenAI Responses and Anthropic Messages (:class:`StreamDecoder`), all running in
genie's Rust core. Failures raise :class:`GenieError` subclasses whose ``code`` and ``status``
are the same in every language genie ships to.

>>> from genie_core import StreamDecoder
>>> decoder = StreamDecoder("openai")
>>> [ev.text for ev in decoder.feed(b'data: {"choices":[{"delta":{"content":"Hi"}}]}\\n\\n')]
['Hi']
>>> decoder.feed(b"data: [DONE]\\n\\n")
[]
>>> decoder.finish().complete
True
"""

from genie_core._errors import (
    BudgetExceededError,
    CancelledError,
    ContentFilteredError,
    ContextLengthExceededError,
    DeadlineExceededError,
    GenieError,
    InternalError,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidUtf8Error,
    LimitExceededError,
    MalformedResponseError,
    NoRouteError,
    NullArgumentError,
    PaymentRequiredError,
    RateLimitedError,
    RedactionFailedError,
    StreamIncompleteError,
    StreamStalledError,
    TransportError,
    UpstreamHttpError,
)
from genie_core._genie_core import (
    ProviderError,
    SseEvent,
    SseParser,
    StreamDecoder,
    StreamEvent,
    StreamSummary,
    Usage,
    __version__,
    error_table,
)

__all__ = [
    "BudgetExceededError",
    "CancelledError",
    "ContentFilteredError",
    "ContextLengthExceededError",
    "DeadlineExceededError",
    "GenieError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidConfigError",
    "InvalidUtf8Error",
    "LimitExceededError",
    "MalformedResponseError",
    "NoRouteError",
    "NullArgumentError",
    "PaymentRequiredError",
    "ProviderError",
    "RateLimitedError",
    "RedactionFailedError",
    "SseEvent",
    "SseParser",
    "StreamDecoder",
    "StreamEvent",
    "StreamIncompleteError",
    "StreamStalledError",
    "StreamSummary",
    "TransportError",
    "UpstreamHttpError",
    "Usage",
    "__version__",
    "error_table",
]
