"""Scores genie and Presidio on the same corpus and prints the comparison (used by compare.sh).

    score.py compare CORPUS.jsonl GENIE.jsonl PRESIDIO.jsonl GENIE_TP.json PRESIDIO_TP.json
    score.py best OUT.json ROUND1.json ROUND2.json ...   # one engine's best of several rounds

Fair-comparison rules (README.md in this folder explains them):
- only the types both engines support are scored: EMAIL, PHONE, CREDIT_CARD, US_SSN, IBAN,
  IP_ADDRESS, URL (Presidio names EMAIL_ADDRESS, PHONE_NUMBER, IBAN_CODE mapped to ours);
- Presidio's other types (DATE_TIME, UUID, US_BANK_NUMBER, ...) are dropped, not counted as
  false positives; DATE_TIME gets its own lenient DATE_OF_BIRTH row, outside the micro averages:
  a DATE_TIME span counts as a DATE_OF_BIRTH finding only when it overlaps a labelled birth date;
- presidio-anonymizer's conflict rule: a result contained in another one is dropped, as it
  would be before anonymization;
- Presidio is shown twice: raw (analyzer output at its default threshold 0, what a caller of
  the analyzer gets) and tuned (after the conflict rule, at the threshold that maximises its
  exact micro-F1 on this very corpus: an oracle choice in its favour);
- spans the case's config allow-lists are ignored for both engines (Presidio gets no config).
"""

import json
import sys

COMMON = ["EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "URL"]
PRESIDIO_NAMES = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD",
                  "US_SSN": "US_SSN", "IBAN_CODE": "IBAN", "IP_ADDRESS": "IP_ADDRESS",
                  "URL": "URL", "DATE_TIME": "DATE_OF_BIRTH"}
THRESHOLDS = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def presidio_spans(findings, threshold, resolve=True):
    kept = [f for f in findings if f["score"] >= threshold]
    if not resolve:
        return [(PRESIDIO_NAMES[f["type"]], f["start"], f["end"])
                for f in kept if f["type"] in PRESIDIO_NAMES]
    resolved = []
    for i, f in enumerate(kept):
        contained = any(
            j != i and o["start"] <= f["start"] and f["end"] <= o["end"]
            and ((o["start"], o["end"]) != (f["start"], f["end"]) or (o["score"], -j) > (f["score"], -i))
            for j, o in enumerate(kept))
        if not contained:
            resolved.append(f)
    return [(PRESIDIO_NAMES[f["type"]], f["start"], f["end"])
            for f in resolved if f["type"] in PRESIDIO_NAMES]


def overlaps(a, b):
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def tally(corpus, found_by_id):
    """{type: [labels, found, exact, overlap_labels, overlap_found]} over COMMON + DATE_OF_BIRTH."""
    types = COMMON + ["DATE_OF_BIRTH"]
    t = {k: [0, 0, 0, 0, 0] for k in types}
    for case in corpus:
        labels = [(e["type"], e["start"], e["end"]) for e in case["entities"] if e["type"] in types]
        allowed = [(a["start"], a["end"]) for a in case.get("allowed", [])]
        found = [f for f in found_by_id.get(case["id"], []) if f[0] in types
                 and not any(s < f[2] and f[1] < e for s, e in allowed)]
        for l in labels:
            row = t[l[0]]
            row[0] += 1
            row[2] += l in found
            row[3] += any(overlaps(f, l) for f in found)
        for f in found:
            hit = any(overlaps(f, l) for l in labels)
            if f[0] == "DATE_OF_BIRTH" and not hit:
                continue
            row = t[f[0]]
            row[1] += 1
            row[4] += hit
    return t


def f1(tp_p, found, tp_r, labels):
    p = tp_p / found if found else 1.0
    r = tp_r / labels if labels else 1.0
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def exact_f1(row):
    return f1(row[2], row[1], row[2], row[0])


def overlap_f1(row):
    return f1(row[4], row[1], row[3], row[0])


def micro(t):
    return [sum(t[k][i] for k in COMMON) for i in range(5)]


def compare(corpus, genie_path, presidio_path, genie_tp_path, presidio_tp_path):
    genie = {r["id"]: [(f["type"], f["start"], f["end"]) for f in r["findings"]]
             for r in load_jsonl(genie_path)}
    raw = {r["id"]: r["findings"] for r in load_jsonl(presidio_path)}
    by_threshold = {th: tally(corpus, {i: presidio_spans(f, th) for i, f in raw.items()})
                    for th in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda th: exact_f1(micro(by_threshold[th])))
    g, pb = tally(corpus, genie), by_threshold[best]
    p0 = tally(corpus, {i: presidio_spans(f, 0.0, resolve=False) for i, f in raw.items()})

    print(f"F1 on {len(corpus)} cases, exact span / overlap. Presidio raw: analyzer output at its "
          f"default threshold 0;\nPresidio tuned: after presidio-anonymizer's conflict rule, at "
          f"threshold {best} (the best for it on this corpus).")
    head = f"{'type':<16}{'labels':>7} | {'genie':>13} | {'presidio raw':>13} | {'presidio tuned':>14}"
    print(head)
    print("-" * len(head))
    rows = [(k, g[k], p0[k], pb[k]) for k in COMMON]
    rows.append(("micro (7 types)", micro(g), micro(p0), micro(pb)))
    rows.append(("DOB (lenient)*", g["DATE_OF_BIRTH"], p0["DATE_OF_BIRTH"], pb["DATE_OF_BIRTH"]))
    for name, *cols in rows:
        cells = " | ".join(f"{exact_f1(c):>6.3f}/{overlap_f1(c):<6.3f}" for c in cols)
        print(f"{name:<16}{cols[0][0]:>7} | {cells}")
    print("* Presidio DATE_TIME counted only where it overlaps a labelled birth date; "
          "not in the micro average.")

    with open(genie_tp_path) as f:
        gt = json.load(f)
    with open(presidio_tp_path) as f:
        pt = json.load(f)
    print()
    print(f"{'throughput (1 core)':<40}{'genie':>12}{'presidio':>12}{'ratio':>10}"
          f"   (best of {gt.get('rounds', 1)} alternating rounds each)")
    for key, label, unit in [("mixed_mb_s", "mixed prompts (512 KiB), one call", "MB/s"),
                             ("per_prompt_mb_s", f"same, {gt['mixed_prompts']} calls, 1/prompt",
                              "MB/s"),
                             ("per_case_mb_s", "corpus, case by case", "MB/s"),
                             ("concat_mb_s", "corpus concatenated, one call", "MB/s")]:
        print(f"{label + ' (' + unit + ')':<40}{gt[key]:>12.2f}{pt[key]:>12.4f}"
              f"{gt[key] / pt[key]:>9.0f}x")
    key = "prompt_find_us_median"
    print(f"{str(gt['prompt_bytes']) + ' B prompt, median (us)':<40}{gt[key]:>12.2f}"
          f"{pt[key]:>12.0f}{pt[key] / gt[key]:>9.0f}x")
    print(f"{'  p99 (us)':<40}{gt['prompt_find_us_p99']:>12.2f}{pt['prompt_find_us_p99']:>12.0f}")
    key = "dense_prompt_find_us_median"
    print(f"{'2048 B dense corpus text, median (us)':<40}{gt[key]:>12.2f}"
          f"{pt[key]:>12.0f}{pt[key] / gt[key]:>9.0f}x")
    print(f"genie redact() on the prompt: median {gt['prompt_redact_us_median']:.2f} us, "
          f"p99 {gt['prompt_redact_us_p99']:.2f} us")


def best(out, rounds):
    """Each engine's best figure over rounds run alternately with the other engine's: the
    highest MB/s and the lowest latency. On a shared machine a round can land on a busy moment
    for one engine and not the other; the best of each is what each does undisturbed."""
    runs = []
    for path in rounds:
        with open(path) as f:
            runs.append(json.load(f))
    merged = dict(runs[0])
    for key in merged:
        values = [r[key] for r in runs]
        if key.endswith("_mb_s"):
            merged[key] = max(values)
        elif "_us_" in key:
            merged[key] = min(values)
    merged["rounds"] = len(runs)
    with open(out, "w") as f:
        json.dump(merged, f)


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "compare":
        compare(load_jsonl(sys.argv[2]), *sys.argv[3:])
    elif len(sys.argv) >= 4 and sys.argv[1] == "best":
        best(sys.argv[2], sys.argv[3:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
