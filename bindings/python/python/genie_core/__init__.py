"""genie_core: genie's guardrails for LLM app servers, in-process.

An exact, fast server-sent events parser (:class:`SseParser`), decoders for the streaming
responses of Gemini, OpenAI Chat Completions, OpenAI Responses and Anthropic Messages
(:class:`StreamDecoder`), and a PII redactor for prompts and streamed answers
(:class:`Redactor`, :class:`StreamRedactor`, :class:`StreamRestorer`), and a resilient streaming LLM client
(:class:`Client`) that retries, reconnects, falls back and fails over within one deadline, all
running in genie's Rust core. Failures raise
:class:`GenieError` subclasses whose ``code`` and ``status`` are the same in every language
genie ships to.

>>> from genie_core import StreamDecoder
>>> decoder = StreamDecoder("openai")
>>> [ev.text for ev in decoder.feed(b'data: {"choices":[{"delta":{"content":"Hi"}}]}\\n\\n')]
['Hi']
>>> decoder.feed(b"data: [DONE]\\n\\n")
[]
>>> decoder.finish().complete
True

Redaction with reversible placeholders (offsets are code points: ``text[f.start:f.end]``):

>>> from genie_core import Redactor
>>> redactor = Redactor({"operators": {"default": {"type": "placeholder"}}})
>>> out = redactor.redact("Mail jane.doe@example.com or call +1 415 802 3391.")
>>> out.text
'Mail [EMAIL_1] or call [PHONE_1].'
>>> out.findings[0]
Finding(type='EMAIL', start=5, end=25, operator='placeholder')
>>> out.mapping
Mapping({'[EMAIL_1]': ..., '[PHONE_1]': ...})
>>> redactor.restore("I wrote to [EMAIL_1].", out.mapping)
'I wrote to jane.doe@example.com.'

The client (``async for`` with :meth:`Client.stream`, a plain ``for`` with
:meth:`Client.stream_sync`, or :meth:`Client.complete` / :meth:`Client.complete_sync`)::

    client = Client({"providers": {...}, "models": {...}, "fallbacks": {...}})
    for ev in client.stream_sync({"model": "gemini-2.5-pro",
                                  "messages": [{"role": "user", "content": "Hi"}]}):
        if ev.type == "text":
            show(ev.text)
        elif ev.type == "reset":          # discard what was shown: replacement text follows
            clear()
        elif ev.type == "done":
            print(ev.summary.model, ev.summary.attempts)
"""

from collections import abc as _abc

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
    Attempt,
    CallEvent,
    CallStream,
    CallSummary,
    Client,
    Finding,
    Mapping,
    ProviderError,
    Redacted,
    Redactor,
    SseEvent,
    SseParser,
    StreamDecoder,
    StreamEvent,
    StreamRedactor,
    StreamRestorer,
    StreamSummary,
    SyncCallStream,
    Usage,
    __version__,
    error_table,
)

# Dict-like and read-only: `isinstance(m, collections.abc.Mapping)` holds, as for a dict.
_abc.Mapping.register(Mapping)

__all__ = [
    "Attempt",
    "BudgetExceededError",
    "CallEvent",
    "CallStream",
    "CallSummary",
    "CancelledError",
    "Client",
    "ContentFilteredError",
    "ContextLengthExceededError",
    "DeadlineExceededError",
    "Finding",
    "GenieError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidConfigError",
    "InvalidUtf8Error",
    "LimitExceededError",
    "MalformedResponseError",
    "Mapping",
    "NoRouteError",
    "NullArgumentError",
    "PaymentRequiredError",
    "ProviderError",
    "RateLimitedError",
    "Redacted",
    "RedactionFailedError",
    "Redactor",
    "SseEvent",
    "SseParser",
    "StreamDecoder",
    "StreamEvent",
    "StreamIncompleteError",
    "StreamRedactor",
    "StreamRestorer",
    "StreamStalledError",
    "StreamSummary",
    "SyncCallStream",
    "TransportError",
    "UpstreamHttpError",
    "Usage",
    "__version__",
    "error_table",
]
