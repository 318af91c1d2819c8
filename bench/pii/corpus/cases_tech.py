"""Tech cases: stack traces, logs, JSON blobs, config files, CI output, chat-ops, SQL, curl
commands and support tickets of software products. Marks are explained in build.py."""

from build import case as C

ACME_ALLOW = {"profile": "tech", "allowlist": {"patterns": ["*@acme.com"]}}
EMP = {"profile": "tech", "custom": [{"type": "EMPLOYEE_ID", "regex": "EMP-\\d{5}", "context": ["employee", "emp", "badge"]}]}

CASES = [
    C("stack-trace", """Traceback (most recent call last):
  File "/srv/app/main.py", line 88, in handle
    user = lookup(email)
  File "/srv/app/users.py", line 31, in lookup
    raise UserNotFound(f"no user {email}")
users.UserNotFound: no user ⟦EM|jane.doe@example.com⟧""",
      neg=["FILE_NAME"]),
    C("readme", """## Supported platforms

- Linux
- MacOS
- RedoxOS

```rust
#[derive(Serialize)]
struct Context {
    name: String,
    owner: Cow<'static, str>,
}
let span = Span::call_site();
println!("Hello {}, I'm Python {}", user, version);
```

Maintained by ⟦PER|Brook Heisler⟧ (@bheisler).""",
      neg=["TECH_TERM"]),
    C("readme", """## Install

```sh
git clone git@github.com:acme/widgets.git && npm link widgets
```

Link it with `npm link ms`. Instead of a token from the settings page, pass `auth: "personal-access-token123"` while testing.

```js
const memory = new WebAssembly.Memory({ initial: 256, maximum: 2147483648 / 65536 });
const choices = [{ key: 'y', name: 'Overwrite' }, { key: 'x', name: 'Abort' }];
```

Questions: ⟦EM|maintainers@widgets.dev⟧ or ⟦PER|Tomás Ibarra⟧ (@tibarra).""",
      neg=["TECH_TERM", "PLACEHOLDER_KEY", "AT_SIGN"]),
    C("python-source", """# Locale name aliasing, after a table by ⟦PER|Marc-Andre Lemburg⟧.
windows_locale = {
    0x0401: "ar_SA", # Arabic - Saudi Arabia
    0x0c01: "ar_EG", # Arabic - Egypt
    0x1009: "en_CA", # English - Canada
}
# S - Seconds
# M - Minutes

def lookup(module_or_name):
    if isinstance(module_or_name, ModuleType):
        return module_or_name.__name__, FrozenImporter._ORIGIN
    bitness = {2147483647: "32bit"}
    auth = base64.encodebytes(credentials).decode("ascii")
    return Decimal('31.01875')""",
      neg=["TECH_TERM", "PLACE_NAME", "MEASUREMENT"]),
    C("changelog", """xft (2.1.8.2-8) unstable; urgency=low

  * Upgrade to gettext-0.19.8.1 and build against zlib >= 1.2.2.3.
  * Allocate gid 64040-64044 for the sandbox groups.
  * Fix crash in testcase-minimized-fuzzer-5390364397928448 reported by ⟦EM|ossfuzz-bot@fuzz-infra.dev⟧.

 -- ⟦PER|Dana Whitfield⟧ <⟦EM|dana@debian-mirror.org⟧>  Sun, 23 Jul 2006 03:17:32 -0400

3.10 (2011-05-30)
-----------------
Upgraded to policy 3.5.5.0; the mirror moved to ⟦IP|198.51.100.23⟧.""",
      neg=["VERSION", "ORDER_ID", "NON_DOB_DATE"]),
    C("changelog", """2022-10-07  ⟦PER|Marvin Schmidt⟧  <⟦EM|marv@exherbo.example⟧>

\t* common/name-value.c (nvc_first): Allow for NULL arg.
\t* src/names.c (read_next_name): Don't unquote the name.
\t* free: Used field is now Total - Available
\t* d/upstream/metadata: Update URLs for Bug-Database, Bug-Submit
\t* Fix use of deprecated name XCBConnSetupSucessRep in a comment.

o IO-481: Handle embedded null bytes. Thanks to ⟦PER|Isira Seneviratne⟧, ⟦PER|Gary Gregory⟧.""",
      neg=["TECH_TERM"]),
    C("js-source", """const K = new Int32Array([
\t1116352408,
\t1899447441,
\t3049323471,
\t3921009573,
]);
class HttpError extends Error {
  constructor(message) { super(message); this.name = "HttpError"; }
}
// NaN is considered equal to NaN.
const sample = { user_address: { street_name: 'Main St', zip_code: '94105' }, owner_name: "⟦PER|Priya Raman⟧" };
const helpChoice = { key: 'h', name: 'Help' };""",
      neg=["TECH_TERM", "ORDER_ID"]),
    C("git-log", """commit 52a3d6a04aa1f2c9e0b7d8e6f5a4c3b2a1908f7e
Author: ⟦PER|Keith Packard⟧ <⟦EM|keithp@keithp.example⟧>
Date:   Thu Dec 12 18:07:49 2019 +0100

    Generate code for Meta 1.1 and link the Regular Manual Pages.""",
      neg=["TECH_TERM", "NON_DOB_DATE", "HEX_ID"]),
    C("log", "2024-03-05T12:01:44.118Z INFO  http request method=GET path=/api/v2/orders/98213 status=200 client=⟦IP|203.0.113.45⟧ ua=\"Mozilla/5.0 (X11; Linux x86_64) Chrome/122.0.6261.94\" dur_ms=41",
      neg=["VERSION", "ORDER_ID"]),
    C("env-file", "# .env (do not commit)\nOPENAI_API_KEY=⟦KEY|sk-proj-⟨alnum 156 -_⟩⟧\nDATABASE_URL=⟦URL|postgres://app:hunter2@db.internal:5432/app⟧\nLOG_LEVEL=debug",
      neg=["BARE_DOMAIN"]),
    C("json-blob", """{"event":"signup","user":{"id":"u_81d2c9","email":"⟦EM|marcus.lee@fastmail.com⟧","phone":"⟦PH|+1 415 802 3391⟧"},"ip":"⟦IP|2001:db8:85a3::8a2e:370:7334⟧","ts":1709640104}""",
      neg=["EPOCH", "HEX_ID"]),
    C("ci-log", "[Pipeline] node (agent-7)\nRunning on Jenkins in /var/lib/jenkins/workspace/api-build\n+ docker build -t registry.acme.io/api:1.42.0 .\nStep 4/12 : FROM python:3.12.2-slim@sha256:⟨hex 64⟩\nSuccessfully built 3f9a1c2b7d4e",
      neg=["TECH_TERM", "VERSION", "AT_SIGN", "HEX_ID", "BARE_DOMAIN"]),
    C("support-ticket", "Subject: Can't log in\n\nHi, I'm ⟦PER|Sarah Mitchell⟧ from Brightline. Since the 4.2.1 update the SSO page loops. My account is ⟦EM|smitchell@brightline.co⟧, phone ⟦PH|(646) 555-0187⟧. I'm on Windows 10.0.19045.3930. Ticket #48821.",
      neg=["VERSION", "ORDER_ID"]),
    C("curl", "curl ⟦URL|https://api.anthropic.com/v1/messages⟧ -H \"x-api-key: ⟦KEY|sk-ant-api03-⟨alnum 93 -_⟩AA⟧\" -H \"anthropic-version: 2023-06-01\" -d @request.json",
      neg=["FILE_NAME", "NON_DOB_DATE"]),
    C("config-yaml", "aws:\n  region: eu-west-1\n  access_key_id: ⟦KEY|AKIA⟨b32 16⟩⟧\n  secret_access_key: ⟦KEY|⟨alnum 40 /+⟩⟧\nkafka:\n  brokers: [\"⟦IP|10.12.0.21⟧:9092\", \"⟦IP|10.12.0.22⟧:9092\"]",
      neg=["TECH_TERM"]),
    C("chat", "ops-bot: deploy v3.18.0.2 to prod-eu done ✅\n@oncall heads up, Kafka consumer lag spiking on topic payments.v1\nmaria: looking. Cassandra nodes fine.",
      neg=["VERSION", "TECH_TERM", "AT_SIGN"]),
    C("stack-trace", """java.sql.SQLIntegrityConstraintViolationException: Duplicate entry '⟦EM|k.ito@nikkei-data.jp⟧' for key 'users.email_UNIQUE'
	at com.mysql.cj.jdbc.ClientPreparedStatement.executeUpdate(ClientPreparedStatement.java:1061)
	at com.acme.users.UserRepo.insert(UserRepo.java:42)""",
      neg=["FILE_NAME"]),
    C("log", "Feb 28 03:14:07 bastion sshd[2231]: Failed password for invalid user admin from ⟦IP|185.220.101.47⟧ port 51514 ssh2",
      neg=[]),
    C("github-issue", "Steps to reproduce: run `pip install acme-sdk==2.0.1` then `python main.py`. Error in utils.py line 12. Docs at ⟦URL|https://docs.acme.dev/sdk/python#install⟧ say 3.8+ is fine.",
      neg=["FILE_NAME", "VERSION"]),
    C("env-file", "GITHUB_TOKEN=⟦KEY|ghp_⟨alnum 36⟩⟧\nSLACK_BOT_TOKEN=⟦KEY|xoxb-⟨digits 12⟩-⟨digits 13⟩-⟨alnum 24⟩⟧\nSTRIPE_SECRET_KEY=⟦KEY|sk_live_⟨alnum 99⟩⟧",
      neg=[]),
    C("docs", "Set your key: export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxx or pass api_key=\"YOUR_API_KEY\". Never commit a real key such as sk-...abcd.",
      neg=["PLACEHOLDER_KEY"]),
    C("log", "level=error msg=\"upstream timeout\" upstream=[⟦IP|fe80::1ff:fe23:4567:890a%eth0⟧]:443 retry=3 trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
      neg=["HEX_ID"]),
    C("json-blob", """{"webhook":"⟦URL|https://hooks.slack.com/services/T02AB3CD4/B05EF6GH7/⟨alnum 24⟩⟧","channel":"#alerts","username":"deploy-bot","icon_emoji":":rocket:"}""",
      neg=[]),
    C("snmp", "snmpget -v2c -c public ⟦IP|192.168.10.1⟧ 1.3.6.1.2.1.1.3.0 -> sysUpTime 1234567 (3:25:45.67). Enterprise OID 1.3.6.1.4.1.9.1.1745.",
      neg=["OID", "EPOCH"]),
    C("support-ticket", "From: ⟦PER|Tomás Herrera⟧ <⟦EM|tomas.herrera@estudio-h.mx⟧>\nMy invoice INV-2024-118273 charged card ⟦CC|⟨card mc2 space⟩⟧ twice. Please refund. Cel: ⟦PH|+52 55 1234 5678⟧",
      neg=["ORDER_ID"]),
    C("terraform", "resource \"aws_instance\" \"web\" {\n  ami           = \"ami-0c55b159cbfafe1f0\"\n  instance_type = \"t3.micro\"\n  private_ip    = \"⟦IP|10.0.1.25⟧\"\n  tags = { Owner = \"⟦EM|platform-team@corp.example.org⟧\" }\n}",
      neg=["HEX_ID"]),
    C("log", "GET /reset?token=⟨alnum 32⟩&email=⟦EM|li.wei@qq.com⟧ HTTP/1.1\" 302 - from ⟦IP|2a02:6b8::feed:0ff⟧",
      neg=[]),
    C("log", "invite sent: https://app.example.com/join?email=⟦EM|r.tanaka@example.jp⟧&team=42 status=200",
      neg=[]),
    C("code-review", "nit: `report.pdf` and `summary.docx` should not be in the repo; move them to assets/. Also `main.py` imports `settings.prod.py` which breaks on Python 3.11.",
      neg=["FILE_NAME", "VERSION"]),
    C("sql", "INSERT INTO customers (name, email, ssn, card) VALUES ('⟦PER|Eleanor Vance⟧', '⟦EM|evance@hillhouse.net⟧', '⟦SSN|⟨ssn dash⟩⟧', '⟦CC|⟨card discover none⟩⟧');",
      neg=[]),
    C("log", "[2024-03-06 09:12:55,201] WARN kafka.server.ReplicaManager: partition orders-17 lag=18220 leader=broker-3 (id 1709716375)",
      neg=["TECH_TERM", "EPOCH"]),
    C("stack-trace", "TypeError: Cannot read properties of undefined (reading 'email')\n    at renderProfile (/app/src/components/Profile.jsx:27:18)\n    at commitRoot (react-dom.production.min.js:1:2)",
      neg=["FILE_NAME"]),
    C("json-blob", """{"card":{"number":"⟦CC|⟨card visa none⟩⟧","exp_month":11,"exp_year":2027,"cvc":"***"},"billing_details":{"name":"⟦PER|Oliver Grant⟧","address":{"line1":"⟦ADDR|500 Terry Francine St⟧","city":"San Francisco","state":"CA","postal_code":"94158"}}}"""),
    C("chat", "jenkins: Build #4412 failed (tests: 3 failed)\nkafka-connect: sink paused\nrust-lang-bot: PR merged",
      neg=["TECH_TERM", "ORDER_ID"]),
    C("nginx-log", "⟦IP|66.249.66.1⟧ - - [06/Mar/2024:10:00:01 +0000] \"GET /search?q=crohn%27s+diet&page=2 HTTP/1.1\" 200 5123 \"⟦URL|https://www.google.com/⟧\" \"Googlebot/2.1\"",
      neg=["VERSION", "NON_DOB_DATE"]),
    C("env-file", "HF_TOKEN=⟦KEY|hf_⟨alpha 34⟩⟧\nGOOGLE_MAPS_KEY=⟦KEY|AIza⟨alnum 35 -_⟩⟧\nGITLAB_TOKEN=⟦KEY|glpat-⟨alnum 20 -_⟩⟧",
      neg=[]),
    C("log", "auth: issued token ⟦KEY|⟨jwt⟩⟧ for client svc-billing (exp 3600s)",
      neg=[]),
    C("k8s-yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kafka-exporter\nspec:\n  template:\n    spec:\n      containers:\n      - image: danielqsj/kafka-exporter:v1.7.0\n        args: [\"--kafka.server=⟦IP|10.96.4.12⟧:9092\"]",
      neg=["TECH_TERM", "VERSION"]),
    C("support-ticket", "Hi support, my order #A-77120-33 never arrived. Tracking 1Z999AA10123456784. Ship to ⟦ADDR|1600 Amphitheatre Pkwy, Mountain View, CA 94043⟧. — ⟦PER|Grace Liu⟧",
      neg=["ORDER_ID"]),
    C("stack-trace", "panicked at 'called `Result::unwrap()` on an `Err` value: ParseError { input: \"v2.10.3.1\" }', src/config.rs:88:41\nnote: run with `RUST_BACKTRACE=1`",
      neg=["VERSION", "FILE_NAME"]),
    C("log", "DHCPACK on ⟦IP|192.168.1.37⟧ to 3c:22:fb:8e:4a:11 (macbook-pro) via eth0; lease 86400",
      neg=["HEX_ID"]),
    C("json-blob", """{"id":"evt_1OqX2bKZ9z","type":"charge.succeeded","created":1709712000,"data":{"object":{"amount":4200,"receipt_email":"⟦EM|nkosi.dlamini@webmail.co.za⟧","payment_method_details":{"card":{"brand":"visa","last4":"4242"}}}}}""",
      neg=["EPOCH", "HEX_ID"]),
    C("docs", "See ⟦URL|https://en.wikipedia.org/wiki/Kafka_(software)⟧ for background, and ⟦URL|https://kafka.apache.org/documentation/#consumerconfigs⟧.",
      neg=["TECH_TERM"]),
    C("log", "ERROR payment failed card=⟨card_bad visa none⟩ reason=invalid_number order=ORD-2024-771203",
      neg=["LUHN_FAIL", "ORDER_ID"]),
    C("log", "device registered imei=⟨imei⟩ model=SM-G991B os=Android 14 build=UP1A.231005.007",
      neg=["IMEI", "VERSION"]),
    C("chat", "hey ⟦PER|Raj⟧, can you add ⟦EM|anika.sharma@acme.com⟧ to the on-call rotation? her number is ⟦PH|+91 98450 12345⟧",
      neg=[]),
    C("support-ticket", "Our API key was leaked in a public gist! Key starts with sk_live_51H... we rotated it already. Please confirm no charges were made after 1709800000. Contact ⟦EM|security@lumen-labs.io⟧.",
      neg=["PLACEHOLDER_KEY", "EPOCH"]),
    C("ci-log", "Run actions/checkout@v4\nSyncing repository: acme/payments-api\n::add-mask::***\nUsing GITHUB_TOKEN=***\nPython 3.12.2, pip 24.0, pytest 8.0.2 — 412 passed in 38.1s",
      neg=["VERSION", "AT_SIGN", "PLACEHOLDER_KEY"]),
    C("log", "conn from ⟦IP|::ffff:198.51.100.7⟧ port 44012 user=⟦EM|pedro.alves@uol.com.br⟧ tls=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256",
      neg=["VERSION"]),
    C("json-blob", """{"users":[{"name":"⟦PER|Amelia Watson⟧","email":"⟦EM|amelia.watson@contoso.com⟧","role":"admin"},{"name":"⟦PER|Noah Fischer⟧","email":"⟦EM|n.fischer@contoso.de⟧","role":"viewer"}],"count":2}"""),
    C("code", "@app.route('/users/<int:user_id>')\n@login_required\ndef show(user_id):\n    return render_template('user.html', user=User.query.get(user_id))",
      neg=["AT_SIGN", "FILE_NAME"]),
    C("package-json", "{\"name\": \"@acme/web\", \"version\": \"2.3.0\", \"dependencies\": {\"@types/node\": \"^20.11.5\", \"react\": \"18.2.0\"}, \"author\": \"⟦PER|Lea Roux⟧ <⟦EM|lea.roux@acme.fr⟧>\"}",
      neg=["AT_SIGN", "VERSION"]),
    C("log", "firewall: DENY tcp ⟦IP|45.33.32.156⟧:443 -> ⟦IP|10.0.8.14⟧:61022 rule=egress-block-17",
      neg=[]),
    C("support-ticket", "Hello, I'm ⟦PER|Chloé Martin⟧. I was charged on my IBAN ⟦IBAN|⟨iban FR grouped⟩⟧ for a plan I cancelled. Ref: SUB-88213. Merci!",
      neg=["ORDER_ID"]),
    C("stack-trace", "Exception in thread \"main\" java.net.ConnectException: Connection refused: /⟦IP|10.20.30.40⟧:8080\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n\tat org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:569)",
      neg=["TECH_TERM", "FILE_NAME"]),
    C("config", "[database]\nhost = db-primary.internal\nport = 5432\nuser = app\npassword_env = DB_PASSWORD\n# owner: ⟦PER|Marta Kowalczyk⟧ (⟦EM|marta.k@acme-infra.pl⟧)",
      neg=["BARE_DOMAIN"]),
    C("chat", "anyone know why Jenkins keeps killing the Gradle daemon? it started after we bumped Selenium to 4.18.1 and Gradle to 8.6",
      neg=["TECH_TERM", "VERSION"]),
    C("log", "2024-03-07 11:22:33 user_login ok user_id=58121 session=⟨hex 32⟩ ip=⟦IP|81.2.69.142⟧ geo=GB",
      neg=["HEX_ID"]),
    C("support-ticket", "Hi, my 2FA phone changed. Old: ⟦PH|+44 20 7946 0958⟧, new: ⟦PH|+44 7911 123456⟧. Account ⟦EM|d.oconnell@btinternet.com⟧. Thanks, ⟦PER|Declan O'Connell⟧",
      neg=[]),
    C("git-log", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8\nAuthor: ⟦PER|Hiroshi Sato⟧ <⟦EM|hsato@users.noreply.github.com⟧>\nDate:   Mon Mar 4 10:12:44 2024 +0900\n\n    fix: handle IPv6 zone ids (closes #1182)",
      neg=["HEX_ID", "NON_DOB_DATE", "ORDER_ID"]),
    C("json-blob", """{"version":"1.2.3.4","build":"2024.03.01.1","oid":"1.2.840.113549.1.1.11","checksum":"sha256:⟨hex 64⟩"}""",
      neg=["VERSION", "OID", "HEX_ID"]),
    C("log", "worker-2 processed batch 1709294400 in 3.2s (records=20480, failed=0)",
      neg=["EPOCH"]),
    C("env-file", "# example values, replace before use\nOPENAI_API_KEY=<your-openai-key>\nANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nGITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      neg=["PLACEHOLDER_KEY"]),
    C("support-ticket", "Customer ⟦PER|Beatriz Souza⟧ (⟦EM|bia.souza@gmail.com⟧) says the app crashes when uploading foto_perfil.jpeg on Android 13. Device IMEI ⟨imei dash⟩ — not needed but she sent it.",
      neg=["FILE_NAME", "IMEI", "VERSION"]),
    C("log", "proxy: CONNECT [⟦IP|2001:db8:1f70::999:de8:7648:6e8⟧]:443 client=⟦IP|100.64.12.9⟧ bytes=18233",
      neg=[]),
    C("chat", "fyi the test card ⟦!CC|4242 4242 4242 4242⟧ works in staging, use exp 12/34 cvc 123",
      neg=["ALLOWLIST"], config={"profile": "tech", "allowlist": {"by_type": {"CREDIT_CARD": {"values": ["4242 4242 4242 4242"]}}}}),
    C("json-blob", """{"request_id":"req_8fK2LmN9xQ","idempotency_key":"b7e1c9d2-33f4-4a0b-9c1e-5d8f7a6b2e10","customer":"cus_PqR7sT","amount":1999}""",
      neg=["HEX_ID", "ORDER_ID"]),
    C("log", "smtp: 550 5.1.1 <⟦EM|old.address@legacy-mail.org⟧>: Recipient address rejected: User unknown in virtual mailbox table",
      neg=["VERSION"]),
    C("support-ticket", "Please delete my data under GDPR. Name: ⟦PER|Matteo Bianchi⟧. Email: ⟦EM|matteo.bianchi@libero.it⟧. Address: ⟦ADDR|Via Giuseppe Garibaldi 27, 20121 Milano⟧.",
      neg=[]),
    C("stack-trace", "ValueError: invalid literal for int() with base 10: '⟨ssn_bad 666 dash⟩'\n  File \"etl/normalize.py\", line 58, in parse_ssn",
      neg=["SSN_INVALID", "FILE_NAME"]),
    C("log", "billing-sync: imported row 4412: iban=⟨iban_bad DE compact⟩ status=REJECTED(check digits)",
      neg=["IBAN_MOD97_FAIL", "ORDER_ID"]),
    C("docs", "Connect to the sandbox at ⟦URL|https://sandbox.api.example.com/v1?region=eu&debug=true⟧, then open ⟦URL|http://localhost:8080/admin⟧ in your browser.",
      neg=[]),
    C("chat", "@channel maintenance window tonight 22:00–23:00 UTC. Contact ⟦PER|Ingrid⟧ at ⟦PH|+47 412 34 567⟧ if you see alerts.",
      neg=["AT_SIGN"]),
    C("log", "kernel: [ 3.141592] eth0: link up 1000Mbps; driver version 5.15.0.101; fw 1.3.6.1",
      neg=["VERSION", "MEASUREMENT"]),
    C("support-ticket", "Hello team — ⟦PER|Ahmed Khan⟧ here. I can't reset my password, the email goes to ⟦EM|ahmed.khan@company.pk⟧ but nothing arrives. Tried from IP ⟦IP|39.45.120.18⟧. My employee ID is EMP-20931 if that helps.",
      neg=["ORDER_ID"]),
    C("hr-export", "employee_id,name,badge\n⟦EMPLOYEE_ID|EMP-20931⟧,⟦PER|Ahmed Khan⟧,B-771\n⟦EMPLOYEE_ID|EMP-20932⟧,⟦PER|Lena Vogel⟧,B-772",
      config=EMP),
    C("chat", "can you grant emp ⟦EMPLOYEE_ID|EMP-40018⟧ access to the prod bastion? approved by ⟦PER|Sunita Rao⟧",
      config=EMP),
    C("log", "mail queued from=⟦!EM|noreply@acme.com⟧ to=⟦EM|fiona.gallagher@eircom.net⟧ cc=⟦!EM|billing@acme.com⟧",
      neg=["ALLOWLIST"], config=ACME_ALLOW),
    C("support-ticket", "Forwarding from ⟦!EM|support@acme.com⟧: customer ⟦EM|j.park@hanmail.net⟧ reports duplicate charges. Internal owner ⟦!EM|ops@acme.com⟧.",
      neg=["ALLOWLIST"], config=ACME_ALLOW),
    C("log", "health check ok from ⟦!IP|10.0.0.5⟧, ⟦!IP|10.0.0.6⟧; external probe ⟦IP|34.120.55.2⟧ ok",
      neg=["ALLOWLIST"], config={"profile": "tech", "allowlist": {"regex": ["^10\\.0\\.0\\.\\d+$"]}}),
    C("docs", "Full reference: ⟦!URL|https://docs.acme.com/api/v2/redaction⟧. Community forum: ⟦URL|https://forum.example.net/t/redaction-help/4412⟧.",
      neg=["ALLOWLIST"], config={"profile": "tech", "allowlist": {"by_type": {"URL": {"patterns": ["https://docs.acme.com/*"]}}}}),
    C("log", "listening on ⟦!IP|127.0.0.1⟧:8000 and ⟦IP|192.168.50.10⟧:8000",
      neg=["ALLOWLIST"], config={"profile": "tech", "allowlist": {"by_type": {"IP_ADDRESS": {"values": ["127.0.0.1"]}}}}),
    C("stack-trace", "ConnectionError: HTTPSConnectionPool(host='api.openai.com', port=443): Max retries exceeded with url: /v1/chat/completions (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3a2c1d9e50>'))",
      neg=["BARE_DOMAIN", "HEX_ID"]),
    C("json-blob", """{"messages":[{"role":"user","content":"my ssn is ⟦SSN|⟨ssn dash⟩⟧ and my card is ⟦CC|⟨card visa dash⟩⟧, can you fill the form?"}],"model":"gpt-4o-2024-08-06"}""",
      neg=["VERSION"]),
    C("log", "audit: role granted to ⟦EM|r.okafor@ng-fintech.com⟧ by ⟦EM|admin@ng-fintech.com⟧ at 2024-03-08T09:00:00+01:00 from ⟦IP|102.89.34.10⟧",
      neg=["NON_DOB_DATE"]),
    C("chat", "Use the Ruby client v1.12.3 or Rust crate 0.9.1 — the Julia binding is unmaintained. Django and Flask examples in examples/*.py",
      neg=["TECH_TERM", "VERSION", "FILE_NAME"]),
    C("support-ticket", "I'm ⟦PER|Olga Petrova⟧, reachable at ⟦PH|+7 916 123-45-67⟧. Our CTO ⟦PER|Ivan Smirnov⟧ (⟦EM|ivan@smirnov-tech.ru⟧) approved the upgrade to the Enterprise plan.",
      neg=[]),
    C("log", "tls handshake failed peer=⟦IP|2620:fe::fe⟧ sni=resolver.example err=\"x509: certificate signed by unknown authority\" cert_oid=2.5.29.17",
      neg=["OID", "BARE_DOMAIN"]),
    C("csv", "ts,user,ip,bytes\n1709251200,⟦EM|mkhumalo@mtn.co.za⟧,⟦IP|41.13.22.8⟧,2048\n1709251260,⟦EM|zoe.tan@singnet.com.sg⟧,⟦IP|116.14.3.77⟧,9216",
      neg=["EPOCH"]),
    C("code", "const API_KEY = process.env.OPENAI_API_KEY; // never hardcode sk-proj-... here\nconst client = new OpenAI({ apiKey: API_KEY });",
      neg=["PLACEHOLDER_KEY"]),
    C("env-file", "SENDGRID_API_KEY=⟦KEY|SG.⟨alnum 22 -_⟩.⟨alnum 43 -_⟩⟧\nNPM_TOKEN=⟦KEY|npm_⟨alnum 36⟩⟧\nGITHUB_PAT=⟦KEY|github_pat_11⟨upnum 20⟩_⟨alnum 59⟩⟧",
      neg=[]),
    C("log", "request from ⟦IP|198.51.100.200⟧ version=\"1.0.0.0\" app=Acme.Desktop/10.2.0.1153 (Windows)",
      neg=["VERSION"]),
    C("chat", "⟦PER|Kenji⟧: build 2.4.0.255 is out\n⟦PER|Maya⟧: nice, does it fix the netmask bug?",
      neg=["VERSION"]),
    C("support-ticket", "Please update billing: new card ⟦CC|⟨card jcb dash⟩⟧ exp 09/27, name ⟦PER|Haruka Yamamoto⟧. Old card ending 4417 can be removed.",
      neg=[]),
    C("log", "2024-03-09 17:45:12 WARN  [pool-3-thread-7] c.a.s.RateLimiter - 429 for key_id=key_7f2a (tenant tnt_19ac2f) from ⟦IP|172.31.44.250⟧",
      neg=["HEX_ID"]),
    C("json-blob", """{"name":"⟦PER|Pieter de Vries⟧","iban":"⟦IBAN|⟨iban NL compact⟩⟧","bic":"ABNANL2A","phone":"⟦PH|+31 20 794 3201⟧","note":"payout weekly"}"""),
    C("docs", "Download the report (quarterly_report_2024.pdf) or the raw data (data.csv). The CLI is installed as acme-cli; run acme-cli --help.",
      neg=["FILE_NAME"]),
    C("log", "ssh: Accepted publickey for deploy from ⟦IP|2001:db8:0:0:1:0:0:1⟧ port 50122 ssh2: ED25519 SHA256:⟨alnum 43 +/⟩",
      neg=["HEX_ID"]),
    C("chat", "who owns the Prometheus alert for Grafana? ping ⟦PER|Lukas⟧ or email ⟦EM|lukas.weber@acme-ops.de⟧",
      neg=["TECH_TERM"]),
    C("support-ticket", "Hi, my name is ⟦PER|Aroha Ngata⟧. I ordered from your NZ store, order 100-2211-4412. Ship to ⟦ADDR|14 Karangahape Road, Auckland 1010⟧. Ph ⟦PH|+64 21 123 4567⟧.",
      neg=["ORDER_ID"]),
    C("log", "cron[881]: (root) CMD (/usr/local/bin/backup.sh --target ⟦URL|s3://acme-backups/db/⟧ --since 1709856000)",
      neg=["FILE_NAME", "EPOCH"]),
    C("json-blob", """{"api_key":"⟦KEY|⟨hex 32⟩⟧","endpoint":"⟦URL|https://api.weather-feed.io/v3/forecast?lat=52.52&lon=13.40⟧","timeout":30}""",
      neg=["MEASUREMENT"]),
    C("chat", "lol the interns named the staging boxes after authors: kafka-01, orwell-02, austen-03",
      neg=["TECH_TERM"]),
    C("log", "payment authorized pan=⟦CC|⟨card unionpay19 space⟩⟧ merchant=SHOP-88213 amount=CNY 388.00",
      neg=["ORDER_ID"]),
    C("support-ticket", "Bug: phone validation rejects ⟦PH|+353 1 234 5678⟧ (Irish landline). Reporter: ⟦PER|Siobhan Byrne⟧, ⟦EM|siobhan.byrne@eir.ie⟧. App version 7.3.2 build 20240301.",
      neg=["VERSION", "NON_DOB_DATE"]),
    C("log", "GET ⟦URL|https://cdn.example.org/assets/logo(1).png?v=3⟧ 404 referer=⟦URL|https://shop.example.org/cart⟧",
      neg=[]),
    C("chat", "ugh, someone pasted their key in #general: ⟦KEY|sk-⟨alnum 20⟩T3BlbkFJ⟨alnum 20⟩⟧ — revoking now",
      neg=[]),
    C("stack-trace", "at Object.<anonymous> (/app/node_modules/express/lib/router/index.js:284:7)\n    at next (/app/src/middleware/auth.ts:19:5)\nError: invalid token for user ⟦EM|valentina.rossi@tiscali.it⟧",
      neg=["FILE_NAME"]),
    C("log", "ntp: server 0.pool.ntp.org offset -0.0021s stratum 2 refid ⟦IP|162.159.200.123⟧",
      neg=["BARE_DOMAIN", "MEASUREMENT"]),
    C("support-ticket", "Hi — our SSO config uses entity ID urn:oid:1.3.6.1.4.1.5923.1.1.1.6. IdP admin is ⟦PER|Fernando Lima⟧ (⟦EM|fernando.lima@ufmg.br⟧).",
      neg=["OID"]),
    C("json-blob", """{"device":{"imei":"⟨imei⟩","serial":"C02XG0FDJGH5","os":"iOS 17.3.1"},"owner":"⟦EM|camille.dubois@orange.fr⟧"}""",
      neg=["IMEI", "VERSION"]),
    C("log", "sshd: Connection closed by authenticating user root ⟦IP|218.92.0.112⟧ port 39284 [preauth]",
      neg=[]),
    C("docs", "Rate limits: 3500 RPM, 90000 TPM. For higher limits, contact sales at ⟦!EM|sales@acme.com⟧ or visit ⟦URL|https://acme.com/contact-sales⟧.",
      neg=["ALLOWLIST", "MEASUREMENT"], config=ACME_ALLOW),
    C("chat", "Deploying Kafka 3.7.0 and Zookeeper 3.8.4 tonight; ⟦PER|Bjørn⟧ will babysit. Rollback plan in runbook.md.",
      neg=["TECH_TERM", "VERSION", "FILE_NAME"]),
    C("log", "user-service: updated profile uid=1029 name=\"⟦PER|Zainab Hassan⟧\" dob=⟦DOB|1994-02-17⟧ phone=⟦PH|+971 50 123 4567⟧",
      neg=[]),
    C("support-ticket", "I keep getting 'card declined' with ⟦CC|⟨card amex dash⟩⟧. My billing address is ⟦ADDR|2211 N First St, San Jose, CA 95131⟧. — ⟦PER|Victor Huang⟧",
      neg=[]),
    C("log", "dns: query A for mail.protonmail.ch from ⟦IP|10.8.0.2⟧ -> ⟦IP|185.70.42.12⟧ ttl=300",
      neg=["BARE_DOMAIN"]),
    C("code", "# tests use the documented Visa test PAN and an invalid SSN\nassert mask('⟦CC|4111111111111111⟧') == '************1111'\nassert is_valid_ssn('⟨ssn_bad 9xx dash⟩') is False",
      neg=["SSN_INVALID"]),
    C("chat", "new hire ⟦PER|Camila Reyes⟧ starts Monday, laptop asset tag LT-20931, employee email ⟦EM|camila.reyes@acme-corp.com⟧",
      neg=["ORDER_ID"]),
    C("log", "s3: PUT ⟦URL|s3://acme-exports/users_2024-03-10.csv.gz⟧ 200 ETag \"d41d8cd98f00b204e9800998ecf8427e\"",
      neg=["FILE_NAME", "HEX_ID"]),
    C("support-ticket", "Hi there, ⟦PER|Ana Lucía Paredes⟧ here. Account email ⟦EM|ana.paredes@outlook.es⟧, the IBAN for payouts is ⟦IBAN|⟨iban ES grouped⟩⟧. Thanks!",
      neg=[]),
    C("log", "metrics: p50=12ms p99=210ms qps=4412.5 heap=1.2GB gc_pause=3.1ms host=api-7 az=us-east-1b",
      neg=["MEASUREMENT"]),
    C("chat", "pls rotate the Anthropic key, the old one was sk-ant-xxxxxxxx (already revoked). New one is in Vault at secret/llm/anthropic.",
      neg=["PLACEHOLDER_KEY"]),
    C("json-blob", """{"ip_allowlist":["⟦IP|52.14.0.0⟧/16","⟦IP|2600:1f18::⟧/32"],"contact":"⟦EM|netops@globex-logistics.com⟧"}""",
      neg=[]),
    C("stack-trace", "KeyError: 'OPENAI_API_KEY'\n  File \"/usr/lib/python3.11/os.py\", line 679, in __getitem__\n  File \"agent/llm.py\", line 14, in <module>",
      neg=["FILE_NAME", "VERSION"]),
    C("env-file", "AWS_ACCESS_KEY_ID=⟦KEY|ASIA⟨b32 16⟩⟧\nAWS_SESSION_TOKEN=present\nSTRIPE_RESTRICTED=⟦KEY|rk_live_⟨alnum 99⟩⟧\nSLACK_USER_TOKEN=⟦KEY|xoxp-⟨digits 12⟩-⟨digits 12⟩-⟨digits 13⟩-⟨hex 32⟩⟧",
      neg=[]),
    C("curl", "curl -H \"Authorization: Bearer ⟦KEY|⟨jwt⟩⟧\" ⟦URL|https://api.internal.example.com/v1/users?limit=50&cursor=eyJpZCI6NTB9⟧",
      neg=[]),
    C("ci-log", "Error: Bad credentials for token ⟦KEY|ghs_⟨alnum 36⟩⟧ (GitHub App installation). Also found a personal token ⟦KEY|gho_⟨alnum 36⟩⟧ in ~/.config/gh/hosts.yml",
      neg=["FILE_NAME"]),
    C("log", "payment ok pan=⟦CC|⟨card diners none⟩⟧ brand=diners amount=120.00 USD; pan=⟦CC|⟨card unionpay16 none⟩⟧ brand=unionpay amount=88.00 CNY",
      neg=[]),
    C("json-blob", """{"payouts":[{"iban":"⟦IBAN|⟨iban IE compact⟩⟧","amount":500},{"iban":"⟦IBAN|⟨iban NO compact⟩⟧","amount":120},{"iban":"⟦IBAN|⟨iban FI compact⟩⟧","amount":75}]}""",
      neg=[]),
    C("log", "ws: connected ⟦URL|wss://stream.example-feed.io/v2/ticker?symbols=BTC,ETH⟧ from ⟦IP|91.198.174.192⟧; ftp mirror ⟦URL|ftp://mirror.example.edu/pub/linux/⟧",
      neg=[]),
    C("config", "openai:\n  api_key: ⟦KEY|sk-proj-⟨alnum 156 -_⟩⟧\nanthropic:\n  api_key: ⟦KEY|sk-ant-api03-⟨alnum 93 -_⟩AA⟧\ngoogle:\n  api_key: ⟦KEY|AIza⟨alnum 35 -_⟩⟧",
      neg=[]),
    C("sql", "SELECT * FROM users WHERE ssn = '⟦SSN|⟨ssn dash⟩⟧' OR email = '⟦EM|t.nguyen@vnpt.vn⟧' OR phone = '⟦PH|+84 91 234 56 78⟧';",
      neg=[]),
    C("log", "k8s: pod api-7f9c ip=⟦IP|10.244.3.17⟧ node ip=⟦IP|192.168.49.2⟧ svc clusterIP ⟦IP|10.96.0.10⟧ ipv6=⟦IP|fd00:10:244::3⟧",
      neg=[]),
    C("support-ticket", "Our webhook at ⟦URL|https://hooks.customer-app.io/genie?tenant=acme&sig=(sha256)⟧ stopped receiving events after we rotated to ⟦KEY|sk_live_⟨alnum 24⟩⟧. Contact ⟦PER|Leon Schwarz⟧, ⟦EM|leon.schwarz@customer-app.io⟧.",
      neg=[]),
    C("chat", "new gitlab token for the runner: ⟦KEY|glpat-⟨alnum 20 -_⟩⟧ (expires in 30 days), HF one: ⟦KEY|hf_⟨alpha 34⟩⟧",
      neg=[]),
    # Written after the engine and scored blind before being added (a held-out check).
    C("stack-trace", "Traceback (most recent call last):\n  File \"/opt/worker/tasks.py\", line 212, in send_invoice\n    smtp.sendmail(FROM, to, msg)\nsmtplib.SMTPRecipientsRefused: {'⟦EM|a.kowalczyk@interia.pl⟧': (550, b'5.1.1 mailbox unavailable')}", neg=["FILE_NAME"]),
    C("log", "2024-04-02T18:22:09.551Z WARN auth: too many attempts user=⟦EM|dev.huang@proton.me⟧ src=⟦IP|2a01:4f8:c17:b8f::2⟧ count=12", neg=[]),
    C("env-file", "ANTHROPIC_API_KEY=⟦KEY|sk-ant-api03-⟨alnum 93 -_⟩AA⟧\nOPENAI_ORG=org-8fKq2L\nREDIS_URL=⟦URL|redis://cache.internal:6379/0⟧", neg=["BARE_DOMAIN"]),
    C("json-blob", """{"ticket":4471,"reporter":{"name":"⟦PER|Imogen Price⟧","email":"⟦EM|imogen.price@fabrikam.co.uk⟧"},"body":"payments failing since 09:14","labels":["p1","billing"]}""", neg=["ORDER_ID"]),
    C("ci-log", "##[group]Run docker/login-action@v3\nLogging into ghcr.io...\nLogin Succeeded!\n##[endgroup]\nTag: ghcr.io/acme/api:2.18.4-rc.1", neg=["AT_SIGN", "VERSION", "BARE_DOMAIN"]),
    C("support-ticket", "Hi, ⟦PER|Mateus Carvalho⟧ here from Lisboa. The invoice PDF (fatura_0424.pdf) shows the wrong VAT number. Call me on ⟦PH|+351 912 345 678⟧.", neg=["FILE_NAME"]),
    C("curl", "curl -X POST ⟦URL|https://api.stripe.com/v1/refunds⟧ -u ⟦KEY|sk_live_⟨alnum 99⟩⟧: -d charge=ch_3P1xYz -d amount=1500", neg=[]),
    C("log", "Apr 03 11:02:44 edge-2 nginx: ⟦IP|91.121.88.14⟧ \"POST /api/login HTTP/2.0\" 401 87 \"-\" \"python-requests/2.31.0\"", neg=["VERSION"]),
    C("chat", "heads up: Jenkins agent 4 is down, Kafka lag alerts are noise until ⟦PER|Priscilla⟧ restarts it", neg=["TECH_TERM"]),
    C("config-yaml", "slack:\n  bot_token: ⟦KEY|xoxb-⟨digits 11⟩-⟨digits 13⟩-⟨alnum 24⟩⟧\n  channel: '#deploys'\nwebhook:\n  url: ⟦URL|https://hooks.example.com/T0/B0?sig=⟨hex 32⟩⟧", neg=[]),
    C("stack-trace", "org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint \"users_phone_key\"\n  Detail: Key (phone)=(⟦PH|+14155550133⟧) already exists.", neg=[]),
    C("log", "2024-04-05 03:00:01 backup: uploaded snapshot-1712286001.tar.zst (4.2 GiB) sha256=⟨hex 64⟩", neg=["EPOCH", "FILE_NAME", "HEX_ID", "MEASUREMENT"]),
    C("support-ticket", "Our service account key leaked: ⟦KEY|AKIA⟨b32 16⟩⟧. We disabled it at 14:03 UTC. Contact: ⟦PER|Rhys Morgan⟧ (⟦EM|rhys.morgan@tidal-analytics.io⟧).", neg=[]),
    C("json-blob", """{"device_id":"8c1f-22aa","imei":"⟨imei⟩","firmware":"4.1.0.12","last_ip":"⟦IP|100.72.18.201⟧","owner":"⟦EM|k.ahmed@fleetco.ae⟧"}""", neg=["IMEI", "VERSION"]),
    C("code-review", "Please don't log the raw token in auth.go line 88; also rename helpers.js to utils.js. LGTM otherwise — ⟦PER|Yara⟧", neg=["FILE_NAME"]),
    C("log", "mysql: Access denied for user 'report'@'⟦IP|172.20.3.14⟧' (using password: YES)", neg=[]),
    C("docs", "Quick start: export GENIE_KEY=YOUR_KEY_HERE, then open ⟦URL|https://docs.example.io/quickstart?lang=py⟧. Version 0.9.12 requires Python 3.10+.", neg=["PLACEHOLDER_KEY", "VERSION"]),
    C("sql", "UPDATE accounts SET iban = '⟦IBAN|⟨iban BE compact⟩⟧', holder = '⟦PER|Lotte Janssens⟧' WHERE id = 88213;", neg=["ORDER_ID"]),
    C("chat", "anyone seen this? `ERR_CERT_DATE_INVALID` on staging.acme.internal — cert expired 2024-04-01", neg=["BARE_DOMAIN", "NON_DOB_DATE"]),
    C("log", "payments: declined pan=⟨card_bad mc none⟩ reason=luhn; retry pan=⟦CC|⟨card mc none⟩⟧ ok", neg=["LUHN_FAIL"]),
    C("env-file", "HUGGINGFACE_TOKEN=⟦KEY|hf_⟨alpha 34⟩⟧\nWANDB_API_KEY=⟦KEY|⟨hex 40⟩⟧\nSEED=1337", neg=[]),
    C("support-ticket", "Hello — the export for tenant 4471 includes SSNs like ⟦SSN|⟨ssn dash⟩⟧ in clear text. Please advise. ⟦PER|Nadia Brooks⟧, ⟦PH|(202) 555-0189⟧", neg=["ORDER_ID"]),
    C("stack-trace", "  File \"/usr/local/lib/python3.12/site-packages/requests/adapters.py\", line 519, in send\nrequests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='⟦IP|10.0.12.5⟧', port=8443)", neg=["FILE_NAME", "VERSION"]),
    C("log", "vpn: client ⟦EM|o.sato@kyoto-labs.jp⟧ assigned ⟦IP|10.8.0.14⟧ from pool, peer ⟦IP|153.127.44.9⟧", neg=[]),
    C("chat", "pls review PR #2291 (bump tokio 1.37.0 → 1.38.0, serde 1.0.198)", neg=["VERSION", "ORDER_ID"]),
    C("json-blob", """{"oauth":{"client_id":"3MVG9lKcPoNINVBJSoQsNCD","client_secret":"⟦KEY|⟨alnum 64⟩⟧","redirect_uri":"⟦URL|https://app.example.com/oauth/callback⟧"}}""", neg=[]),
    C("log", "mailer: bounce from ⟦EM|info@jardin-des-plantes.fr⟧ (code 5.7.1) for campaign spring_2024", neg=["VERSION"]),
    C("support-ticket", "My card ⟦CC|⟨card amex space⟩⟧ was charged €29 twice for plan PRO-M. ⟦PER|Élodie Garnier⟧, ⟦PH|+33 6 78 12 45 90⟧", neg=["ORDER_ID"]),
    C("k8s-yaml", "env:\n- name: DATABASE_URL\n  value: ⟦URL|postgres://svc:⟨alnum 20⟩@orders-db.internal:5432/orders⟧\n- name: LOG_LEVEL\n  value: info", neg=[]),
    C("chat", "the new GPU box is at ⟦IP|192.168.7.40⟧, ssh as your ldap user. ⟦PER|Tomasz⟧ set it up", neg=[]),
    C("config", "[smtp]\nhost = mail.internal\nuser = alerts\npassword = \"⟦KEY|Tr0ub4dor&3-x⟧\"\n# or: password = ${SMTP_PASSWORD}\nPGPASSWORD=⟦KEY|S3cr3t!Pw88⟧ psql -h db-1 -p 5432", neg=["PLACEHOLDER_KEY"]),
    # AI models named in prompts: a weak cue ("to", "with", "For") or a greeting before a model
    # family that is also a given name, or before a product.
    C("chat", "For Claude Code, run the plugin install; with Gemma 2 on Ollama it falls back to Claude 3.5 Sonnet. Ask ⟦PER|Nina Patel⟧ (⟦EM|nina.patel@lexcorp.io⟧) for the eval numbers.", neg=["TECH_TERM"]),
    C("support-ticket", "Hi ⟦PER|Claude⟧, the Copilot seat for our team was billed twice after we moved from Gemini Pro to Nova Pro. Thanks, ⟦PER|Ingrid Olsen⟧", neg=["TECH_TERM"]),
    C("chat", "Before the Monte Carlo simulation, fine-tune with LoRA and use Xavier initialization; ⟦PER|Tomás Ibarra⟧ owns the eval (⟦EM|tomas.ibarra@quantlab.ai⟧).", neg=["EPONYM", "TECH_TERM"]),
    # Rust pasted into a prompt: typed constants, struct fields whose types follow `name:`,
    # paths to constants that parse as IPv6.
    C("code", "pub const MS_MGC_VAL: u32 = 3236757504;\npub const CLONE_INTO_CGROUP: u64 = 8589934592;\n#[repr(C)]\npub struct Sym {\n    pub st_name: Elf32_Word,\n    pub name: Ident,\n    family: ToolFamily,\n}\n// owner: ⟦PER|Wojciech Nowak⟧ <⟦EM|w.nowak@kernel-tools.dev⟧>\nassert_eq!(f32::E, e);", neg=["TECH_TERM", "ORDER_ID"]),
    # C, C++ and TypeScript pasted into a prompt: spec sections, ASN.1 constants, pointers,
    # member access, `::` paths, type annotations after `name:`, sizes, placeholder keys.
    C("code", "/* see section 9.4.2.251 */\n#define V_ASN1_OCTET_STRING 4\nstatic inline bool doit(const From *Val) { return Symbols.size() > 0; }\n  using llvm::Pass::doInitialization;\n// maintainer: ⟦PER|Keith Packard⟧ <⟦EM|keithp@keithp.com⟧>", neg=["TECH_TERM", "VERSION"]),
    C("code", "export interface Options {\n  readonly name: Identifier;\n  family: \"IPv4\" | \"IPv6\";\n  /** @example 17179869184 */\n  memory_in_bytes: number;\n}\nconst key = \"base64-encoded-public-key\";\n// reviewed by ⟦PER|Dana Whitfield⟧", neg=["TECH_TERM", "PLACEHOLDER_KEY", "MEASUREMENT"]),
    C("docs", "See perlunicode/User-Defined Character Properties; the NIC has SR-IOV PF on and Patient-Reported Outcomes are exported. Reviewed by ⟦PER|Priya Nair⟧ (⟦EM|pnair@cpan.org⟧).", neg=["TECH_TERM"]),
    # A CI workflow: job and step names after `name:` are no people; a person named in one is.
    C("config-yaml", "name: Continuous integration\n\non: [push, pull_request]\n\njobs:\n  clippy:\n    name: Clippy\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Install Rust\n        run: rustup update stable\n      - name: Ping ⟦PER|Sofia Marquez⟧ on failure\n        if: failure()\n        run: ./notify.sh ⟦EM|sofia.marquez@ferrous-ci.dev⟧", neg=["TECH_TERM"]),
    C("docs", "## 0.10.5\n\n### Fixed\n\n- Typo\n\n### Added\n\n* Implement `From<Uri>` for `uri::Builder`.\n\nThanks to ⟦PER|Orson Peters⟧ for the report.", neg=["VERSION", "TECH_TERM"]),
    C("log", "GET /api/v1/orders 200 ua=\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.92\" client=⟦IP|203.0.113.77⟧", neg=["VERSION"]),
    C("chat", "Sprint notes. Assignee: ⟦PER|Priya⟧; reviewer: ⟦PER|Marcus Webb⟧. Export as CSV with the header \"Product Name\",\"Unit Price\",\"Quantity\".", neg=["TECH_TERM"]),
    C("docs", "<p>Run it:</p>\n<pre><code class=\"language-text\">Got: hi\nFailed after 2 seconds\n</code></pre>\n<p>Written by ⟦PER|Carol Nichols⟧.</p>", neg=["TECH_TERM"]),
    # A product named after a surname: a person after a title or a given name only.
    C("chat", "Jenkins pipeline failed at the build stage; run the Jenkins job again after the merge. Mr. ⟦PER|Jenkins⟧ from billing and ⟦PER|Sarah Jenkins⟧ (⟦EM|sjenkins@acme-billing.com⟧) are cc'd. Haskell is a purely functional language.", neg=["TECH_TERM"]),
    # An acronym before a word is no name (DOM Level, AL Database App); a surname in capitals
    # before a given name is.
    C("docs", "Implements the DOM Level 3 spec; reviewer: AL Database App team. Maintainer: ⟦PER|NIIBE Yutaka⟧ (⟦EM|gniibe@fsij.org⟧).", neg=["TECH_TERM"]),
    # Written on 2026-11-29 as a held-out set and scored before any change was made for them
    # (README: PII redaction), then added here.
    C("log", "2025-02-11T09:14:03Z WARN auth: failed login for ⟦EM|k.nakamura@fintrack.jp⟧ from ⟦IP|198.51.100.23⟧ (attempt 4/5)"),
    C("log", "nginx: upstream timed out (110) while reading response header from upstream, client: ⟦IP|203.0.113.9⟧, server: api.example.com, request: \"GET /v2/orders/88123 HTTP/1.1\""),
    C("stack-trace", "Traceback (most recent call last):\n  File \"app/billing.py\", line 88, in charge\n    stripe.Charge.create(api_key=\"⟦KEY|sk_live_⟨alnum 24⟩⟧\")\nstripe.error.CardError: Your card was declined."),
    C("config", "OPENAI_API_KEY=⟦KEY|sk-proj-⟨alnum 48⟩⟧\nDATABASE_URL=⟦URL|postgres://app:hunter2@db.internal:5432/app⟧\nLOG_LEVEL=debug"),
    C("json-blob", "{\"customer\":{\"first_name\":\"⟦PER|Elif⟧\",\"last_name\":\"⟦PER|Yilmaz⟧\",\"iban\":\"⟦IBAN|⟨iban DE compact⟩⟧\",\"email\":\"⟦EM|elif.yilmaz@posteo.de⟧\"}}"),
    C("json-blob", "{\"event\":\"payment_failed\",\"card\":\"⟦CC|⟨card visa none⟩⟧\",\"amount\":129.99,\"currency\":\"USD\",\"ts\":1733011200}", neg=["EPOCH"]),
    C("log", "payment-svc INFO order=ORD-55812 user_id=88123 amount=49.00 status=captured latency_ms=231", neg=["ORDER_ID"]),
    C("code", "def test_signup():\n    user = create_user(email=\"⟦EM|test.user+42@example.org⟧\", name=\"⟦PER|Jamie Park⟧\")\n    assert user.id > 0"),
    C("code", "const client = new Client({ host: '⟦IP|10.20.30.40⟧', port: 6379, password: process.env.REDIS_PASSWORD });", neg=["PLACEHOLDER_KEY"]),
    C("log", "sshd[2211]: Accepted publickey for deploy from ⟦IP|2001:db8:85a3::8a2e:370:7334⟧ port 51822 ssh2"),
    C("log", "audit: user=⟦EM|admin@clinic-north.org⟧ exported 212 records (MRN range 100000–100212) at 2025-01-05 02:14", neg=["NON_DOB_DATE"]),
    C("chat", "Ask ⟦PER|Łukasz⟧ whether the Élan build passed; the Écran module still fails on Ubuntu.", neg=["TECH_TERM"]),
    C("chat", "Pairing with ⟦PER|Ólafur Arnalds⟧ on the Rust port today; Über-jar builds still time out in CI.", neg=["TECH_TERM"]),
    C("support-ticket", "Översikt: Ärende 4471 stängt. Ändrat av ⟦PER|Åke Sjöberg⟧.", neg=["ORDER_ID"]),
    # Held out: international names, written and scored once before any change for them (2026-11-29).
    C("chat", "Assigning the flaky-test bug to ⟦PER|Henrik Lindqvist⟧; ⟦PER|Ilkka⟧ can review.", neg=["TECH_TERM"]),
    C("chat", "@⟦PER|Ömer⟧ can you rerun the pipeline? ⟦PER|Emre⟧ said the cache is stale."),
    C("docs", "Postmortem owner: ⟦PER|Aleksandra Zając⟧. Timeline written by ⟦PER|Dawid Krawczyk⟧."),
    C("chat", "git log shows ⟦PER|Tiago Gonçalves⟧ authored the regression in commit 4f2a9c1.", neg=["HEX_ID"]),
    C("chat", "Ping ⟦PER|Nguyễn Thị Lan⟧ about the Hanoi VPN; she's on call.", neg=["PLACE_NAME"]),
    C("chat", "Code review by ⟦PER|Åsmund Berg⟧ and ⟦PER|Ivar Aasen⟧; the Øresund cluster is green.", neg=["PLACE_NAME"]),
    C("chat", "⟦PER|Élise Bernard⟧ rejoint l'équipe data lundi."),
    # Held out (2026-11-30): transcripts, chat exports, e-mail threads, git and package metadata,
    # tickets and dictation, written and scored once before any change for them, then kept as
    # written (README: PII redaction).
    C("transcript", "WEBVTT\n\n00:01:02.000 --> 00:01:05.000\n⟦PER|Priya Raman⟧: Okay, let's start with the incident review.\n\n00:01:06.500 --> 00:01:09.000\n⟦PER|Tom Becker⟧: The outage began when ⟦IP|10.20.3.14⟧ ran out of disk.\n\n00:01:10.000 --> 00:01:12.000\n⟦PER|Priya Raman⟧: Thanks ⟦PER|Tom⟧."),
    C("chat-export", "[9:14 AM] ⟦PER|Jessica Alvarez⟧: can someone review PR #4412?\n[9:15 AM] ⟦PER|Mohammed Haddad⟧: on it\n[9:20 AM] ⟦PER|Jessica Alvarez⟧: thx! the flaky test is in tests/test_billing.py", neg=["ORDER_ID", "FILE_NAME"]),
    C("git-log", "Why did this commit break the build?\n\ncommit 3f9c2a7e1b4d8f6a0c5e9d2b7a1f4c8e6d3b0a95\nAuthor: ⟦PER|Sanjay Gupta⟧ <⟦EM|sanjay.gupta@example.org⟧>\nDate:   Mon Feb 12 14:03:51 2024 +0530\n\n    Bump tokio to 1.36 and drop the mio shim", neg=["HEX_ID", "VERSION"]),
    C("ticket", "Summary: Login page returns 500\nReporter: ⟦PER|Olivia Bennett⟧\nAssignee: ⟦PER|Marcus Lee⟧\nEnvironment: prod, api gateway ⟦IP|172.31.9.201⟧\nDescription: Since the 2.14.0 deploy users see HTTP 500 on /login.", neg=["VERSION"]),
    C("json-blob", "{\n  \"name\": \"@acme/ui-kit\",\n  \"version\": \"4.2.1\",\n  \"author\": \"⟦PER|Hannah Schulz⟧ <⟦EM|hannah@schulz.dev⟧>\",\n  \"contributors\": [\"⟦PER|Ravi Shankar⟧ <⟦EM|ravi.s@acme.io⟧>\"],\n  \"repository\": \"⟦URL|https://github.com/acme/ui-kit⟧\"\n}", neg=["AT_SIGN", "VERSION"]),
    C("postmortem", "Postmortem INC-2291: at 03:12 UTC the primary db-7 (⟦IP|10.0.14.22⟧) failed over to db-8 (⟦IP|10.0.14.23⟧). On-call was ⟦PER|Wei Zhang⟧; escalation reached ⟦PER|Fatima Al-Sayed⟧ at 03:40. Root cause: kernel 5.15.0-91 bug. Runbook: ⟦URL|https://wiki.acme.io/runbooks/db-failover⟧", neg=["VERSION", "ORDER_ID"]),
    C("alert", "[FIRING:1] HighLatency api-prod (instance=\"⟦IP|10.8.0.5⟧:9100\", severity=\"page\")\nAssigned to: ⟦PER|Connor O'Malley⟧\nAcknowledged by ⟦PER|Connor O'Malley⟧ at 02:14"),
    C("code-review", "Review this Python:\n```python\n# Author: ⟦PER|Keith Marsh⟧ (⟦EM|keith.marsh@pyshop.dev⟧)\nAPI_TOKEN = os.environ[\"API_TOKEN\"]\nclient = Client(host=\"⟦IP|192.168.1.40⟧\", port=6379)\n```"),
    C("log", "2024-03-01T10:22:14Z WARN auth failed for user=⟦EM|bob.smith@contoso.com⟧ ip=⟦IP|203.0.113.77⟧ ua=\"Mozilla/5.0\"\n2024-03-01T10:22:19Z INFO password reset sent to ⟦EM|bob.smith@contoso.com⟧", neg=["VERSION"]),
    C("chat", "The deploy failed with InvalidClientTokenId for ⟦KEY|AKIA2E0A8F3B244C9986⟧ in eu-west-1; who rotated it? Ping ⟦PER|Diego Fernández⟧."),
    C("chat", "Our Grafana dashboard shows p99 at 1450 ms after upgrading Envoy to 1.29.1; the pods in us-east-1 are fine. Should I bump max_connections from 1024 to 4096?", neg=["VERSION", "MEASUREMENT"]),
    C("chat", "Explain the Gauss-Newton method and how Levenberg-Marquardt improves on it; compare with the Nelder-Mead simplex.", neg=["EPONYM"]),
    # Held out (2026-11-30, second set): lab headers, referrals, pharmacy and insurance text,
    # payments, international addresses and phone formats, secrets in configs; written and scored
    # once before any change for them, then kept as written.
    C("config", "# .env for staging — do not commit\nDATABASE_URL=⟦URL|postgres://app:Xk92mLq7@db.staging.internal:5432/orders⟧\nSTRIPE_SECRET_KEY=⟦KEY|sk_live_⟨alnum 24⟩⟧\nSLACK_BOT_TOKEN=⟦KEY|xoxb-⟨digits 12⟩-⟨digits 13⟩-⟨alnum 24⟩⟧\nLOG_LEVEL=debug"),
    C("stack-trace", "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='⟦IP|10.12.0.7⟧', port=8443): Max retries exceeded with url: /v2/charge (Caused by NewConnectionError: [Errno 111] Connection refused)", neg=["TECH_TERM"]),
    C("log", "Jan 12 03:14:07 web-3 sshd[21944]: Failed password for invalid user admin from ⟦IP|2001:db8:4f1::1a2b⟧ port 51122 ssh2\nJan 12 03:14:09 web-3 sshd[21944]: Accepted publickey for deploy from ⟦IP|192.0.2.44⟧ port 50110", neg=["VERSION"]),
    C("chat", "Why does `curl -H \"Authorization: Bearer ⟦KEY|⟨jwt⟩⟧\" ⟦URL|https://api.acme.dev/v1/me⟧` return 401 when the token is fresh?"),
    C("chat", "Our GitHub Action fails at checkout; the PAT is ⟦KEY|ghp_⟨alnum 36⟩⟧ and it has repo scope. Node 20.11.1, runner ubuntu-22.04.", neg=["VERSION"]),
    C("json-blob", "{\"event\":\"user.updated\",\"user\":{\"id\":884213,\"email\":\"⟦EM|m.rossi+billing@studiorossi.it⟧\",\"phone\":\"⟦PH|+39 06 6982 1234⟧\",\"ip\":\"⟦IP|93.184.216.34⟧\"},\"ts\":1709251200}", neg=["EPOCH"]),
    C("chat", "The build hash is 9f86d081884c7d659a2feaa0c55ad015 and the image is registry.acme.io/api@sha256:⟨hex 64⟩; version 3.12.4.1 of the agent is pinned.", neg=["HEX_ID", "AT_SIGN", "VERSION", "BARE_DOMAIN"]),
    C("chat", "Set the Google Maps key to ⟦KEY|AIza⟨alnum 35 -_⟩⟧ in local.properties, not YOUR_API_KEY.", neg=["PLACEHOLDER_KEY", "FILE_NAME"]),
    C("ticket", "Customer reports that the webhook from ⟦IP|54.187.174.169⟧ is rejected by our WAF; their contact is ⟦PER|Oluwadamilare Bello⟧ (⟦EM|dami@payfast.ng⟧).", neg=[]),
    # Held out (2026-11-30, third set): German, French, Spanish, Italian, Portuguese and Dutch
    # messages; written and scored once before any change for them, then kept as written.
    C("support-ticket", "Bonjour, je n'arrive plus à me connecter depuis la mise à jour 4.2. Mon identifiant est ⟦EM|c.moreau@free.fr⟧ et l'erreur vient de ⟦IP|82.64.121.7⟧. Merci, ⟦PER|Camille Moreau⟧", neg=["VERSION"]),
    C("support-ticket", "Hallo zusammen, der Build auf dem Jenkins-Server bricht seit gestern ab (Exit-Code 137). Logs unter ⟦URL|https://ci.example.de/job/backend/1423/console⟧. Gruß, ⟦PER|Tobias⟧", neg=["TECH_TERM"]),
    C("chat", "Olá, meu token de acesso é ⟦KEY|ghp_⟨alnum 36⟩⟧ e o push continua falhando. Obrigado, ⟦PER|Rafael Lima⟧"),
    # Held out (2026-11-30, fourth set): negative-heavy prompts (vitals, versions, tickers,
    # recipes, trips, books); written and scored once before any change for them, then kept.
    C("chat", "Our Java service on JDK 21.0.2 uses G1GC with -Xmx4096m; after 36 hours the heap hits 3.9 GB. Commit a1b2c3d, PR #8812, Jira PLAT-4417.", neg=["VERSION", "MEASUREMENT", "HEX_ID", "ORDER_ID"]),
    C("log", "2024-05-06 12:00:01.337 [pool-3-thread-7] INFO  c.a.b.Scheduler - job=reindex shard=12/64 took=8412ms docs=1048576 offset=281474976710656", neg=["MEASUREMENT", "EPOCH"]),
    C("code-review", "```python\nAPI_KEY = \"YOUR_API_KEY_HERE\"\nDEFAULT_PORT = 8080\nRETRY_BACKOFF = [1, 2, 4, 8, 16]\nUUID_NS = \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\"\n```\nIs this config idiomatic?", neg=["PLACEHOLDER_KEY", "HEX_ID"]),
    C("chat", "Compare Hadoop, Spark and Flink for streaming; we run Kafka 3.6 on 12 brokers in eu-central-1 and ap-southeast-2.", neg=["TECH_TERM", "VERSION"]),
    C("chat", "The semver range ^1.2.3 matched 1.10.0 but not 2.0.0-rc.1; the lockfile pins 1.9.7 and node 18.19.0.", neg=["VERSION"]),
    C("chat", "Why does `git log --since=2024-01-01 --author=bot` show commits dated 1970-01-01? The repo was imported with svn2git from r14500.", neg=["NON_DOB_DATE", "EPOCH"]),
    C("stack-trace", "panicked at 'index out of bounds: the len is 3 but the index is 5', src/parser/mod.rs:214:17\nstack backtrace:\n   0: rust_begin_unwind\n   1: core::panicking::panic_fmt", neg=["FILE_NAME"]),
    C("chat", "Convert 0x7FFFFFFF and 0xDEADBEEF to decimal, and explain why 2147483647 is the max for a 32-bit signed int.", neg=["HEX_ID"]),
    # Held out (2026-11-30, fifth set): secrets and identities in configs, manifests and API
    # payloads; written and scored once before any change for them, then kept as written.
    C("config", "# docker-compose.yml\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ⟦KEY|Zp9!wQ2#rT7v⟧\n  api:\n    environment:\n      OPENAI_API_KEY: ⟦KEY|sk-proj-⟨alnum 48⟩⟧\n      SENTRY_DSN: ⟦URL|https://⟨hex 32⟩@o4507.ingest.sentry.io/4508⟧", neg=["VERSION"]),
    C("config", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry-creds\ntype: Opaque\nstringData:\n  username: deploy-bot\n  token: ⟦KEY|glpat-⟨alnum 20⟩⟧", neg=[]),
    C("config", "[default]\naws_access_key_id = ⟦KEY|AKIA⟨upnum 16⟩⟧\naws_secret_access_key = ⟦KEY|⟨alnum 40 /+⟩⟧\nregion = us-west-2"),
    C("chat", "curl -u ⟦EM|ops@acme.io⟧:⟦KEY|xK8vPq2mN7rT4wZ9⟧ ⟦URL|https://acme.atlassian.net/rest/api/3/issue/OPS-112⟧ — why 403?", neg=["ORDER_ID"]),
    C("config", "[tool.poetry]\nname = \"billing\"\nversion = \"0.9.3\"\nauthors = [\"⟦PER|Priya Nair⟧ <⟦EM|priya@billing.dev⟧>\"]\n[tool.poetry.dependencies]\npython = \"^3.11\"", neg=["VERSION", "AT_SIGN"]),
    C("chat", "My Anthropic key ⟦KEY|sk-ant-api03-⟨alnum 93 -_⟩⟧ returns 401 but the one in .env.example (sk-ant-xxxxxxxx) is a placeholder.", neg=["PLACEHOLDER_KEY", "FILE_NAME"]),
    C("log", "ERROR psycopg2.OperationalError: connection to server at \"⟦IP|10.2.3.4⟧\", port 5432 failed: FATAL: password authentication failed for user \"svc_billing\"", neg=[]),
    C("chat", "The webhook signature is whsec_test_placeholder and the Stripe publishable key pk_test_TYooMQauvdEDq54NiTphI7jx is public, right?", neg=["PLACEHOLDER_KEY"]),
    C("code-review", "```js\nconst client = new Twilio(process.env.TWILIO_SID, process.env.TWILIO_TOKEN);\nawait client.messages.create({ to: '⟦PH|+14155550199⟧', from: '⟦PH|+14155550100⟧', body: 'Your code is 482913' });\n```", neg=[]),
]
