#!/usr/bin/env python3
"""The names pass's Python counterpart (BENCHMARKS.md): spaCy's EntityRuler on spacy.blank("en")
with the register's own forms (every `forms` entry and `name`, as editio's names pass reads them;
editio also adds capitals renderings and transliterations, which are left out here), run over
every edition's source.txt of a corpus written by `editio bench-corpus`.
Prints the time to build the ruler, the time and MB/s over the texts, and the entities found,
then a line `TIMING build=… run=… total=…` (seconds; wall, then CPU as `…_cpu`) that
benches/timeit.py reads.
With --spans FILE, also writes every entity as a tab-separated line (edition, byte offsets start
and end in source.txt, surface, key, label), for benches/names_accuracy.py; converting offsets
is not timed.
Usage: benches/spacy_names.py CORPUS [--spans FILE]          (pip install spacy)"""
import glob, os, sys, time, tomllib, resource
# benches/timeit.py would shadow the standard library's timeit, which spaCy imports.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import spacy  # noqa: E402

args = sys.argv[1:]
spans_path = None
if "--spans" in args:
    i = args.index("--spans")
    spans_path = args[i + 1]
    del args[i:i + 2]
corpus = args[0]
patterns = []
for path in sorted(glob.glob(os.path.join(corpus, "editions/register/*.toml"))):
    with open(path, "rb") as f:
        reg = tomllib.load(f)
    for kind, label in (("person", "PERSON"), ("place", "GPE"), ("org", "ORG"), ("work", "WORK")):
        for e in reg.get(kind, []):
            forms = set(f.strip() for f in e.get("forms", []) + [e.get("name") or e.get("title", "")])
            for form in sorted(x for x in forms if x):
                patterns.append({"label": label, "pattern": form, "id": e["key"]})
paths = sorted(glob.glob(os.path.join(corpus, "editions/*/source.txt")))
texts = [open(p, encoding="utf-8").read() for p in paths]
nbytes = sum(len(t.encode()) for t in texts)


def byte_spans(text, ents):
    """(start, end) in bytes of each entity, in one pass over the text."""
    out, pos, byte = [], 0, 0
    for e in ents:  # in text order, not overlapping
        byte += len(text[pos:e.start_char].encode())
        start = byte
        byte += len(text[e.start_char:e.end_char].encode())
        pos = e.end_char
        out.append((start, byte))
    return out


c0 = time.process_time()
t0 = time.perf_counter()
nlp = spacy.blank("en")
ruler = nlp.add_pipe("entity_ruler")
ruler.add_patterns(patterns)
t1 = time.perf_counter()
c1 = time.process_time()
ents = 0
keyed = 0
found = []
for doc in nlp.pipe(texts, batch_size=8):
    ents += len(doc.ents)
    keyed += sum(1 for e in doc.ents if e.ent_id_)
    if spans_path:
        found.append([(e.start_char, e.end_char, e.ent_id_, e.label_) for e in doc.ents])
t2 = time.perf_counter()
c2 = time.process_time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"patterns {len(patterns)}  texts {len(texts)}  {nbytes / 1e6:.1f} MB")
print(f"build ruler {t1 - t0:.1f} s  run {t2 - t1:.1f} s  ({nbytes / 1e6 / (t2 - t1):.2f} MB/s)  "
      f"end to end {t2 - t0:.1f} s ({nbytes / 1e6 / (t2 - t0):.2f} MB/s)  peak RSS {rss} MB")
print(f"entities {ents} (with a register key {keyed})")
print(f"TIMING build={t1 - t0:.3f} run={t2 - t1:.3f} total={t2 - t0:.3f} "
      f"build_cpu={c1 - c0:.2f} run_cpu={c2 - c1:.2f} total_cpu={c2 - c0:.2f}")
if spans_path:
    class Span:
        def __init__(self, s, e):
            self.start_char, self.end_char = s, e
    with open(spans_path, "w", encoding="utf-8") as out:
        out.write("edition\tstart\tend\tsurface\tkey\tlabel\n")
        for path, text, ents_ in zip(paths, texts, found):
            edition = os.path.basename(os.path.dirname(path))
            spans = byte_spans(text, [Span(s, e) for s, e, _, _ in ents_])
            for (s, e, key, label), (bs, be) in zip(ents_, spans):
                out.write(f"{edition}\t{bs}\t{be}\t{text[s:e]}\t{key}\t{label}\n")
