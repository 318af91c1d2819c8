"""Redacts a customer support ticket before it goes to a model, then puts the customer's details
back into the model's answer — the round trip an app server does around every LLM call.

    python examples/python/redact.py [TICKET_FILE]

The ticket's PII becomes numbered placeholders (``[EMAIL_1]``, ``[PHONE_1]``, ...), so the model
can still refer to "the customer's address" without ever seeing it. The script prints the text
sent to the model, what was removed (types and counts only: that is what an audit log may keep),
and the answer with the original values restored. Needs the genie-core wheel
(``bindings/python/ci.sh`` builds and installs it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

from genie_core import GenieError, Redactor, StreamRestorer

TICKET = """\
Subject: Refund not received — order 100-2211-4412

Hi, this is Maria Gonzalez. I was charged twice for my order on 12 March. The card ending in the
number below was billed both times: 4111 1111 1111 1111 (exp 09/27).

I already wrote to billing@support.example.com last week and got no reply. Please send the
refund confirmation to maria.gonzalez@example.com or call me at +1 415 802 3391.
My shipping address is 742 Evergreen Terrace, Springfield, OR 97477.
Our office network is 203.0.113.7 if you need to whitelist it. Running app version 4.2.1.0.

Thanks,
Maria
"""

# What the model might answer, using the placeholders it was given.
ANSWER = (
    "Hello [PERSON_1], thank you for reaching out. I have located the duplicate charge on the card "
    "[CREDIT_CARD_1] and issued a refund. A confirmation will be sent to [EMAIL_1] within two "
    "business days; if it does not arrive, we will call you at [PHONE_1]."
)

CONFIG = {
    "profile": "general",
    "operators": {"default": {"type": "placeholder"}},
    # The support desk's own address is not PII worth hiding.
    "allowlist": {"patterns": ["*@support.example.com"]},
}


def run(ticket: str) -> None:
    redactor = Redactor(CONFIG)
    redacted = redactor.redact(ticket)

    print("── sent to the model ─────────────────────────────")
    print(redacted.text)
    print("── removed (safe to log) ─────────────────────────")
    for kind, n in redacted.counts.items():
        print(f"{kind:<16} {n}")
    print(f"placeholders:    {redacted.mapping!r}")  # the repr never shows the values
    for f in redacted.findings:
        print(f"  {f.type:<14} chars {f.start}–{f.end} → {f.operator}")
    print("── the model's answer, restored ──────────────────")
    print(redactor.restore(ANSWER, redacted.mapping))
    # Streamed, the answer arrives in tokens that cut placeholders ("[PHO" + "NE_1]"); the
    # stream restorer shows each token as soon as no placeholder can be waiting in it.
    restorer = StreamRestorer(redacted.mapping)
    tokens = [ANSWER[i : i + 7] for i in range(0, len(ANSWER), 7)]
    shown = "".join(restorer.push(token) for token in tokens) + restorer.flush()
    same = shown == redactor.restore(ANSWER, redacted.mapping)
    print(f"(restored as {len(tokens)} streamed tokens: {'the same text' if same else 'DIFFERENT'})")


def main(argv: List[str]) -> int:
    if len(argv) > 1:
        print("usage: redact.py [TICKET_FILE]", file=sys.stderr)
        return 2
    try:
        ticket = Path(argv[0]).read_text(encoding="utf-8") if argv else TICKET
        run(ticket)
    except (GenieError, OSError) as error:
        print(f"redact: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
