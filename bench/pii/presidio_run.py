"""Presidio's side of the comparison (run by compare.sh inside its throwaway venv).

    presidio_run.py findings   CORPUS.jsonl OUT.jsonl   # raw analyzer results, code point offsets
    presidio_run.py throughput CORPUS.jsonl TEXTS_DIR   # MB/s and 2 KB prompt latency, JSON

Presidio runs as its "pattern recognizers only" setup: the `no_op` NLP engine (no spaCy model,
so no PERSON/LOCATION NER and no lemma-based context boosting), every predefined recognizer of
its default registry for English, default score threshold (0: everything is returned; the
scorer applies thresholds). Offline: compare.sh sets TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS to an
empty value, so tldextract (used by Presidio's e-mail validator) reads the suffix list snapshot
bundled in its wheel instead of fetching one.
"""

import json
import os
import statistics
import sys
import time

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider


def analyzer():
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "no_op",
        "models": [{"lang_code": "en", "model_name": "no_op"}],
    }).create_engine()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def findings(engine, cases, out):
    with open(out, "w", encoding="utf-8") as f:
        for case in cases:
            results = engine.analyze(case["text"], language="en")
            spans = [{"type": r.entity_type, "start": r.start, "end": r.end,
                      "score": round(r.score, 4)} for r in results]
            f.write(json.dumps({"id": case["id"], "findings": spans}) + "\n")


def latency_us(engine, text, runs=40):
    """Median and worst of `runs` analyze calls on `text`, in microseconds."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        engine.analyze(text, language="en")
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[-1]


def throughput(engine, cases, texts_dir):
    """The rows genie's `pii_throughput throughput` prints, on the same files it wrote."""
    def read(name):
        with open(os.path.join(texts_dir, name), encoding="utf-8") as f:
            return f.read()
    mixed, prompt, dense = read("mixed.txt"), read("prompt-2k.txt"), read("dense-2k.txt")
    prompts = [json.loads(line) for line in read("mixed-prompts.jsonl").splitlines()]
    texts = [c["text"] for c in cases]
    corpus_bytes = sum(len(t.encode()) for t in texts)
    engine.analyze(texts[0], language="en")
    start = time.perf_counter()
    for text in texts:
        engine.analyze(text, language="en")
    per_case = time.perf_counter() - start
    joined = "\n\n".join(texts)
    start = time.perf_counter()
    engine.analyze(joined, language="en")
    concat = time.perf_counter() - start
    start = time.perf_counter()
    engine.analyze(mixed, language="en")
    mixed_s = time.perf_counter() - start
    start = time.perf_counter()
    for p in prompts:
        engine.analyze(p, language="en")
    per_prompt_s = time.perf_counter() - start
    prompt_med, prompt_p99 = latency_us(engine, prompt)
    dense_med, dense_p99 = latency_us(engine, dense)
    print(json.dumps({
        "engine": "presidio",
        "corpus_bytes": corpus_bytes,
        "per_case_mb_s": corpus_bytes / per_case / 1e6,
        "concat_bytes": len(joined.encode()),
        "concat_mb_s": len(joined.encode()) / concat / 1e6,
        "mixed_bytes": len(mixed.encode()),
        "mixed_mb_s": len(mixed.encode()) / mixed_s / 1e6,
        "mixed_prompts": len(prompts),
        "per_prompt_mb_s": len(mixed.encode()) / per_prompt_s / 1e6,
        "prompt_bytes": len(prompt.encode()),
        "prompt_find_us_median": prompt_med,
        "prompt_find_us_p99": prompt_p99,
        "dense_prompt_find_us_median": dense_med,
        "dense_prompt_find_us_p99": dense_p99,
    }))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("findings", "throughput"):
        raise SystemExit(__doc__)
    engine = analyzer()
    cases = load(sys.argv[2])
    if sys.argv[1] == "findings":
        findings(engine, cases, sys.argv[3])
    else:
        throughput(engine, cases, sys.argv[3])


if __name__ == "__main__":
    main()
