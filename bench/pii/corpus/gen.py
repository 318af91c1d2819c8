"""Generators for corpus values that must pass (or deliberately fail) a checksum.

Card numbers get a correct Luhn digit and a real issuer prefix/length, IBANs a real per-country
length and BBAN shape with mod-97 check digits, SSNs the SSA's allocation rules, IMEIs a Luhn
digit. The `_bad` variants keep the shape and break exactly one rule, so they are hard negatives.
All values are fabricated from a seeded RNG: none is a real account.
"""

import random
import string

# issuer -> (prefixes, length, grouping of the printed form)
CARDS = {
    "visa": (["4"], 16, [4, 4, 4, 4]),
    "visa13": (["4"], 13, [4, 3, 3, 3]),
    "mc": (["51", "52", "53", "54", "55"], 16, [4, 4, 4, 4]),
    "mc2": ([str(p) for p in range(2221, 2721)], 16, [4, 4, 4, 4]),
    "amex": (["34", "37"], 15, [4, 6, 5]),
    "discover": (["6011", "644", "645", "646", "647", "648", "649", "65"], 16, [4, 4, 4, 4]),
    "jcb": ([str(p) for p in range(3528, 3590)], 16, [4, 4, 4, 4]),
    "unionpay16": (["62"], 16, [4, 4, 4, 4]),
    "unionpay19": (["62"], 19, [4, 4, 4, 4, 3]),
    "diners": (["36"], 14, [4, 6, 4]),
}

SEPARATORS = {"space": " ", "dash": "-", "none": ""}

# country -> BBAN structure in SWIFT notation (n digits, a upper letters, c alphanumerics)
IBAN_BBAN = {
    "DE": "8n10n", "GB": "4a6n8n", "FR": "5n5n11n2n", "ES": "4n4n1n1n10n", "IT": "1a5n5n12n",
    "NL": "4a10n", "BE": "3n7n2n", "CH": "5n12n", "AT": "5n11n", "PL": "8n16n",
    "PT": "4n4n11n2n", "IE": "4a6n8n", "SE": "3n16n1n", "NO": "4n6n1n", "DK": "4n9n1n",
    "FI": "3n11n", "LU": "3n13n", "GR": "3n4n16n", "SA": "2n18n", "AE": "3n16n",
    "TR": "5n1n16n", "BR": "8n5n10n1a1c", "MT": "4a5n18n", "HR": "7n10n", "RO": "4a16n",
    "CZ": "4n6n10n", "HU": "3n4n1n15n1n", "CY": "3n5n16n", "EE": "2n2n11n1n", "LT": "5n11n",
    "IL": "3n3n13n",
}


def luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    digits = [c for c in number if c.isdigit()]
    return luhn_digit("".join(digits[:-1])) == digits[-1]


def group(digits: str, sizes, sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i:i + size])
        i += size
    if i < len(digits):
        out.append(digits[i:])
    return sep.join(p for p in out if p)


def card(rng: random.Random, brand: str, sep: str = "space", bad: bool = False) -> str:
    prefixes, length, sizes = CARDS[brand]
    prefix = rng.choice(prefixes)
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    check = luhn_digit(body)
    if bad:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return group(body + check, sizes, SEPARATORS[sep])


def imei(rng: random.Random, fmt: str = "compact") -> str:
    tac = rng.choice(["35", "86", "01", "49"]) + "".join(rng.choice(string.digits) for _ in range(6))
    serial = "".join(rng.choice(string.digits) for _ in range(6))
    check = luhn_digit(tac + serial)
    if fmt == "dash":
        return f"{tac[:2]}-{tac[2:]}-{serial}-{check}"
    if fmt == "space":
        return f"{tac[:2]} {tac[2:]} {serial} {check}"
    return tac + serial + check


def mod97(s: str) -> int:
    rearranged = s[4:] + s[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "")
    spec = IBAN_BBAN.get(compact[:2])
    return spec is not None and len(compact) == 4 + bban_length(spec) and mod97(compact) == 1


def bban_length(spec: str) -> int:
    total, num = 0, ""
    for ch in spec:
        if ch.isdigit():
            num += ch
        else:
            total += int(num)
            num = ""
    return total


def bban(rng: random.Random, spec: str) -> str:
    out, num = [], ""
    for ch in spec:
        if ch.isdigit():
            num += ch
            continue
        alphabet = {"n": string.digits, "a": string.ascii_uppercase,
                    "c": string.digits + string.ascii_uppercase}[ch]
        out.append("".join(rng.choice(alphabet) for _ in range(int(num))))
        num = ""
    return "".join(out)


def iban(rng: random.Random, country: str, fmt: str = "grouped", bad: bool = False) -> str:
    body = bban(rng, IBAN_BBAN[country])
    check = 98 - mod97(country + "00" + body)
    if bad:
        check = (check + rng.randint(1, 90)) % 97 + 2
        if mod97(f"{country}{check:02d}{body}") == 1:
            check = check + 1 if check < 98 else 2
    compact = f"{country}{check:02d}{body}"
    if fmt == "compact":
        return compact
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def ssn_ok(value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) != 9:
        return False
    area, grp, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and grp != "00" and serial != "0000"


def ssn(rng: random.Random, sep: str = "dash", bad: str = "") -> str:
    while True:
        area = f"{rng.randint(1, 899):03d}"
        if area != "666":
            break
    grp = f"{rng.randint(1, 99):02d}"
    serial = f"{rng.randint(1, 9999):04d}"
    if bad == "000":
        area = "000"
    elif bad == "666":
        area = "666"
    elif bad == "9xx":
        area = f"9{rng.randint(0, 99):02d}"
    elif bad == "g00":
        grp = "00"
    elif bad == "s0000":
        serial = "0000"
    s = SEPARATORS[sep]
    return f"{area}{s}{grp}{s}{serial}"


def expand(rng: random.Random, spec: str) -> str:
    """Expands one `⟨kind args…⟩` generator spec (see build.py)."""
    kind, *args = spec.split()
    if kind in ("card", "card_bad"):
        return card(rng, args[0], args[1] if len(args) > 1 else "space", bad=kind == "card_bad")
    if kind in ("iban", "iban_bad"):
        return iban(rng, args[0], args[1] if len(args) > 1 else "grouped", bad=kind == "iban_bad")
    if kind == "ssn":
        return ssn(rng, args[0] if args else "dash")
    if kind == "ssn_bad":
        return ssn(rng, args[1] if len(args) > 1 else "dash", bad=args[0])
    if kind == "imei":
        return imei(rng, args[0] if args else "compact")
    if kind == "jwt":
        return jwt(rng)
    if kind == "hex":
        return "".join(rng.choice("0123456789abcdef") for _ in range(int(args[0])))
    if kind == "alnum":
        alphabet = string.ascii_letters + string.digits + (args[1] if len(args) > 1 else "")
        return "".join(rng.choice(alphabet) for _ in range(int(args[0])))
    if kind == "b32":
        return "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(int(args[0])))
    if kind == "alpha":
        return "".join(rng.choice(string.ascii_letters) for _ in range(int(args[0])))
    if kind == "upnum":
        return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(int(args[0])))
    if kind == "digits":
        return "".join(rng.choice(string.digits) for _ in range(int(args[0])))
    raise ValueError(f"unknown generator {spec!r}")


def b64url(data: bytes) -> str:
    import base64
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(rng: random.Random) -> str:
    """An HS256-shaped JWT with a fabricated payload and a random signature."""
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    sub = "".join(rng.choice(string.digits) for _ in range(8))
    iat = 1700000000 + rng.randint(0, 20000000)
    payload = b64url(f'{{"sub":"{sub}","role":"service","iat":{iat}}}'.encode())
    signature = b64url(bytes(rng.randrange(256) for _ in range(32)))
    return f"{header}.{payload}.{signature}"
