"""The cases of tests/fixtures/pii/redaction.json (built by build_redaction.py).

Each input marks every finding the redactor must report; texts mix accents, CJK, Arabic and
Hebrew (right-to-left), emoji with skin tones and ZWJ sequences before and around the values, so
the code point, UTF-16 and byte offsets all differ. Values are detected by validated or labelled
detectors, or (names) after a title, so the expected output does not hinge on a name gazetteer.
"""

HASH_KEY_ENV = "GENIE_TEST_REDACT_KEY"
HASH_KEY = "fixture-hmac-key-not-a-secret"

PLACEHOLDER = {"operators": {"default": {"type": "placeholder"}}}
HASH = {"hash_key_env": HASH_KEY_ENV, "operators": {"default": {"type": "hash"}}}


def op(kind, **extra):
    return {"operators": {"default": {"type": kind, **extra}}}


CASES = [
    # ---- replace (the default operator) and offsets in every script ----
    {"name": "replace-default-ascii", "covers": ["operator:replace", "profile:general"], "config": None,
     "input": "Email ⟦EM|jane.doe@example.com⟧ or call ⟦PH|+1 415 802 3391⟧ today."},
    {"name": "replace-accents", "covers": ["operator:replace", "text:accents"], "config": None,
     "input": "Écrivez à ⟦EM|josé.garcía@correo.es⟧ — ou appelez le ⟦PH|+33 6 12 47 83 90⟧, merci ça marche."},
    {"name": "replace-cjk", "covers": ["operator:replace", "text:cjk"], "config": None,
     "input": "请联系 ⟦EM|wang.li@example.cn⟧ ，电话 ⟦PH|+86 138 0013 8000⟧ 。東京の住所は不要です。"},
    {"name": "replace-arabic-rtl", "covers": ["operator:replace", "text:rtl"], "config": None,
     "input": "راسلني على ⟦EM|omar.haddad@example.ae⟧ أو اتصل ⟦PH|+971 50 123 4567⟧ شكراً"},
    {"name": "replace-hebrew-rtl-iban", "covers": ["operator:replace", "text:rtl", "type:IBAN"], "config": None,
     "input": "נא להעביר לחשבון ⟦IBAN|⟨iban IL grouped⟩⟧ עד יום שלישי, תודה"},
    {"name": "replace-emoji-zwj", "covers": ["operator:replace", "text:emoji-zwj"], "config": None,
     "input": "👩‍💻👨‍👩‍👧 ping ⟦EM|dev.ops@example.io⟧ 🏳️‍🌈 from ⟦IP|203.0.113.9⟧ 👍🏽"},
    {"name": "replace-emoji-adjacent", "covers": ["operator:replace", "text:emoji-zwj", "offsets:edges"], "config": None,
     "input": "🧑🏾‍⚕️⟦IP|198.51.100.23⟧🧑🏾‍⚕️ and (⟦EM|a.b@example.org⟧)❤️‍🔥"},
    {"name": "replace-at-text-edges", "covers": ["operator:replace", "offsets:edges"], "config": None,
     "input": "⟦EM|first@example.com⟧ middle ⟦EM|last@example.com⟧"},
    {"name": "replace-adjacent-values", "covers": ["operator:replace", "offsets:adjacent"], "config": None,
     "input": "to:⟦EM|a1@example.com⟧,⟦EM|b2@example.net⟧;⟦IP|10.1.2.3⟧"},
    {"name": "replace-all-structured", "covers": ["operator:replace", "counts"], "config": {"profile": "tech"},
     "input": "card ⟦CC|⟨card visa space⟩⟧, ssn ⟦SSN|⟨ssn dash⟩⟧, iban ⟦IBAN|⟨iban DE grouped⟩⟧, ip ⟦IP|2001:db8::1⟧, url ⟦URL|https://example.com/a?b=(c)⟧, key ⟦KEY|ghp_⟨alnum 36⟩⟧, mail ⟦EM|x@example.com⟧, tel ⟦PH|+44 20 7946 0958⟧."},
    {"name": "no-findings", "covers": ["counts", "offsets:empty"], "config": None,
     "input": "Nothing here: version 1.2.3.4, report.pdf, order 100-2211-4412, Parkinson's. 你好 👋"},
    {"name": "empty-input", "covers": ["offsets:empty"], "config": None, "input": ""},

    # ---- mask ----
    {"name": "mask-card-keep-last-4", "covers": ["operator:mask"], "config": {"operators": {"CREDIT_CARD": {"type": "mask", "keep_last": 4, "char": "*"}}},
     "input": "Karte 💳 ⟦CC|⟨card mc space⟩⟧ läuft ab."},
    {"name": "mask-hash-char-keep-0", "covers": ["operator:mask"], "config": {"operators": {"US_SSN": {"type": "mask", "keep_last": 0, "char": "#"}}},
     "input": "SSN ⟦SSN|⟨ssn dash⟩⟧ on file"},
    {"name": "mask-email-after-emoji", "covers": ["operator:mask", "text:emoji-zwj"], "config": {"operators": {"EMAIL": {"type": "mask", "keep_last": 4, "char": "•"}}},
     "input": "👨🏻‍🔬 écrit: ⟦EM|marie.curie@example.fr⟧ 🔬"},
    {"name": "mask-phone-cjk", "covers": ["operator:mask", "text:cjk"], "config": {"operators": {"PHONE": {"type": "mask", "keep_last": 2, "char": "*"}}},
     "input": "電話：⟦PH|+81 90-1234-5678⟧（携帯）"},

    # ---- hash ----
    {"name": "hash-deterministic", "covers": ["operator:hash", "hash:determinism"], "config": HASH,
     "input": "⟦EM|jane@example.com⟧ wrote to ⟦EM|bob@example.com⟧, then ⟦EM|jane@example.com⟧ again"},
    {"name": "hash-types-rtl", "covers": ["operator:hash", "text:rtl"], "config": HASH,
     "input": "الرقم ⟦PH|+971 50 123 4567⟧ والعنوان ⟦IP|192.0.2.44⟧"},
    {"name": "hash-per-type-only", "covers": ["operator:hash", "operator:replace"], "config": {"hash_key_env": HASH_KEY_ENV, "operators": {"IP_ADDRESS": {"type": "hash"}}},
     "input": "⟦IP|10.20.30.40⟧ ⟦EM|ops@example.com⟧ ⟦IP|10.20.30.40⟧"},

    # ---- remove ----
    {"name": "remove-url", "covers": ["operator:remove"], "config": {"operators": {"URL": {"type": "remove"}}},
     "input": "see ⟦URL|https://shop.example.org/cart?id=42&ref=(mail)⟧. Thanks ⟦EM|me@example.org⟧"},
    {"name": "remove-everything-cjk", "covers": ["operator:remove", "text:cjk"], "config": op("remove"),
     "input": "邮箱 ⟦EM|li.na@example.cn⟧ 和 ⟦IP|2001:db8:85a3::8a2e:370:7334⟧ 都删除"},

    # ---- placeholder and restore ----
    {"name": "placeholder-numbering", "covers": ["operator:placeholder", "restore"], "config": PLACEHOLDER,
     "input": "From ⟦EM|ann@example.com⟧ to ⟦EM|raj@example.com⟧, cc ⟦EM|ann@example.com⟧; call ⟦PH|+1 415 802 3391⟧.",
     "answers": ["I'll write to [EMAIL_2] and copy [EMAIL_1]; or call [PHONE_1]. [EMAIL_3] is unknown.",
                 "[[EMAIL_1]] [EMAIL_ [PHONE_1][EMAIL_2]] and, cut at the end, [EMAIL_1"]},
    {"name": "placeholder-mixed-scripts", "covers": ["operator:placeholder", "restore", "text:cjk", "text:rtl", "text:emoji-zwj"], "config": PLACEHOLDER,
     "input": "👩🏽‍💻 邮件 ⟦EM|zhang.wei@example.cn⟧ · שלום ⟦IP|203.0.113.77⟧ · مرحبا ⟦EM|zhang.wei@example.cn⟧",
     "answers": ["已回复 [EMAIL_1] ✅ (IP [IP_ADDRESS_1])"]},
    {"name": "placeholder-accented-names", "covers": ["operator:placeholder", "restore", "text:accents", "text:emoji-zwj", "type:PERSON"], "config": PLACEHOLDER,
     "input": "🧑🏿‍⚕️ Dr. ⟦PER|Ștefan Popescu⟧ saw Mme ⟦PER|Élodie Garnier⟧; Dr. ⟦PER|Ștefan Popescu⟧ signs.",
     "answers": ["[PERSON_2] was seen by [PERSON_1] (Ștefan)."]},
    {"name": "placeholder-spans-around-anchors", "covers": ["operator:placeholder", "restore", "text:emoji-zwj", "type:STREET_ADDRESS", "type:PERSON", "type:API_KEY"], "config": {"profile": "tech", "operators": {"default": {"type": "placeholder"}}},
     "input": "👩🏽‍💻 Mail ⟦ADDR|P.O. Box 30555, Salt Lake City, UT 84130⟧ · ⟦PER|Ben⟧ & ⟦PER|Chloe⟧: run curl -u ⟦EM|ops@acme.io⟧:⟦KEY|xK8vPq2mN7rT4wZ9⟧ now",
     "answers": ["[PERSON_1] and [PERSON_2] rotated [API_KEY_1] for [EMAIL_1]."]},
    {"name": "placeholder-per-type-with-replace", "covers": ["operator:placeholder", "operator:replace", "restore"], "config": {"operators": {"EMAIL": {"type": "placeholder"}}},
     "input": "⟦EM|kim@example.com⟧ at ⟦IP|192.0.2.1⟧", "answers": ["Reply sent to [EMAIL_1]."]},
    {"name": "placeholder-tenant-type", "covers": ["operator:placeholder", "tenant", "restore"], "config": {"profile": "healthcare", "operators": {"default": {"type": "placeholder"}}, "custom": [{"type": "ACME_MEMBER_ID", "regex": "ACM\\d{9}", "context": ["member"]}]},
     "input": "Member ⟦ACME_MEMBER_ID|ACM204857331⟧ (mail ⟦EM|ivy@example.com⟧) — member ⟦ACME_MEMBER_ID|ACM204857332⟧",
     "answers": ["[ACME_MEMBER_ID_2] and [ACME_MEMBER_ID_1] are linked to [EMAIL_1]."]},

    # ---- entity selection and profiles ----
    {"name": "entities-subset", "covers": ["config:entities"], "config": {"entities": ["EMAIL"]},
     "input": "⟦EM|only@example.com⟧ but not +1 415 802 3391 nor 10.0.0.1"},
    {"name": "profile-healthcare-mrn-dob", "covers": ["profile:healthcare", "type:MRN", "type:DOB"], "config": {"profile": "healthcare"},
     "input": "MRN: ⟦MRN|00482913⟧, DOB: ⟦DOB|03/14/1962⟧. Admitted 03/02/2024 for Parkinson's disease."},
    {"name": "profile-healthcare-dates-on", "covers": ["profile:healthcare", "config:dates", "type:DATE"], "config": {"profile": "healthcare", "dates": True},
     "input": "DOB: ⟦DOB|03/14/1962⟧. Admitted ⟦DATE|03/02/2024⟧, discharged ⟦DATE|2024-03-06⟧."},
    {"name": "profile-general-dates-off", "covers": ["profile:general", "config:dates"], "config": {"profile": "general"},
     "input": "Meeting on 03/02/2024 and 2024-03-06, nothing to redact."},
    {"name": "profile-tech-keys", "covers": ["profile:tech", "type:API_KEY"], "config": {"profile": "tech"},
     "input": "OPENAI_API_KEY=⟦KEY|sk-proj-⟨alnum 156 -_⟩⟧\naws ⟦KEY|AKIA⟨b32 16⟩⟧ — placeholder sk-xxxxxxxxxxxxxxxxxxxx stays; 🔑 ⟦KEY|glpat-⟨alnum 20⟩⟧"},
    {"name": "vendor-key-sendgrid-in-prose", "covers": ["type:API_KEY", "profile:general"], "config": None,
     "input": "Clé SendGrid du projet ➜ ⟦KEY|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⟧ (à révoquer)."},
    {"name": "passwords-in-config", "covers": ["type:API_KEY", "operator:placeholder"], "config": PLACEHOLDER,
     "input": "# déploiement 🚀 ✅\nDB_PASSWORD=\"⟦KEY|Xk9#mQ2$vLp7!wRz4⟧\"\nexport PGPASSWORD=⟦KEY|S3cr3t!Pw⟧\n{\"用户\": \"ли\", \"password\": \"⟦KEY|pässwört2024⟧\"}\npassword: ${DB_PASSWORD} — password = os.environ[\"PW\"] — the wifi password is Spring2024! 🙂"},
    {"name": "phone-region-fr", "covers": ["config:phone_region"], "config": {"phone_region": "FR"},
     "input": "Appelez le ⟦PH|06 12 34 56 78⟧ après 18 h."},
    {"name": "tenant-pattern-replace", "covers": ["tenant", "operator:replace"], "config": {"custom": [{"type": "EMPLOYEE_ID", "regex": "EMP-\\d{5}", "context": ["employee"]}]},
     "input": "Employee ⟦EMPLOYEE_ID|EMP-20931⟧ badge B-771 — 社員 🙂"},

    # ---- allowlists ----
    {"name": "allowlist-exact-value", "covers": ["allowlist:values"], "config": {"allowlist": {"values": ["support@acme.com"]}},
     "input": "Write to support@acme.com, not ⟦EM|jane@acme.com⟧."},
    {"name": "allowlist-glob", "covers": ["allowlist:patterns"], "config": {"allowlist": {"patterns": ["*@acme.com"]}},
     "input": "support@acme.com, ops@acme.com and ⟦EM|jane@gmail.com⟧ — 👩‍🚀"},
    {"name": "allowlist-regex", "covers": ["allowlist:regex"], "config": {"allowlist": {"regex": ["^10\\."]}},
     "input": "internal 10.0.0.5 and 10.2.3.4, external ⟦IP|34.120.55.2⟧"},
    {"name": "allowlist-by-type", "covers": ["allowlist:by_type"], "config": {"allowlist": {"by_type": {"IP_ADDRESS": {"values": ["127.0.0.1"]}, "URL": {"patterns": ["https://docs.acme.com/*"]}, "EMAIL": {"regex": ["@example\\.org$"]}}}},
     "input": "127.0.0.1 ⟦IP|192.168.1.9⟧ https://docs.acme.com/api ⟦URL|https://evil.example.net/x⟧ ops@example.org ⟦EM|ops@example.net⟧"},
    {"name": "allowlist-never-hides-overlap", "covers": ["allowlist:overlap"], "config": {"allowlist": {"values": ["support@acme.com"]}},
     "input": "Open ⟦URL|https://acme.com/contact?to=support@acme.com⟧ or mail support@acme.com"},
    {"name": "allowlist-url-never-hides-email", "covers": ["allowlist:overlap", "allowlist:by_type", "overlap"], "config": {"allowlist": {"by_type": {"URL": {"patterns": ["https://docs.acme.com/*"]}}}},
     "input": "see https://docs.acme.com/share?to=⟦EM|jane.doe@gmail.com⟧ now"},
    {"name": "allowlist-accents-rtl", "covers": ["allowlist:values", "text:rtl", "text:accents"], "config": {"allowlist": {"values": ["josé@acme.es"]}},
     "input": "josé@acme.es — مرحبا ⟦EM|amélie@example.fr⟧"},

    # ---- overlap resolution ----
    {"name": "overlap-email-inside-url", "covers": ["overlap"], "config": None,
     "input": "unsubscribe: ⟦EM|jane@example.com⟧ via the link https://example.com/u?e=⟦EM|jane@example.com⟧"},

    # ---- config errors ----
    {"name": "error-bad-allowlist-regex", "covers": ["error"], "config": {"allowlist": {"regex": ["ok", "(unclosed"]}},
     "input": "x", "error": {"code": "INVALID_CONFIG", "path": "allowlist.regex[1]"}},
    {"name": "error-unknown-operator", "covers": ["error"], "config": {"operators": {"EMAIL": {"type": "scramble"}}},
     "input": "x", "error": {"code": "INVALID_CONFIG", "path": "operators.EMAIL"}},
    {"name": "error-unknown-profile", "covers": ["error"], "config": {"profile": "finance"},
     "input": "x", "error": {"code": "INVALID_CONFIG", "path": "profile"}},
    {"name": "error-unknown-entity", "covers": ["error"], "config": {"entities": ["EMAIL", "PASSPORT"]},
     "input": "x", "error": {"code": "INVALID_CONFIG", "path": "entities"}},
    {"name": "error-bad-custom-regex", "covers": ["error", "tenant"], "config": {"custom": [{"type": "ACME_ID", "regex": "[a-"}]},
     "input": "x", "error": {"code": "INVALID_CONFIG", "path": "custom[0]"}},
]
