#!/usr/bin/env python3
"""The names pass's Python counterpart (BENCHMARKS.md): spaCy's EntityRuler on spacy.blank("en")
with the register's own forms (every `forms` entry and `name`, as editio's names pass reads them;
editio also adds capitals renderings and transliterations, which are left out here), run over
every edition's source.txt of a corpus written by `editio bench-corpus`.
Prints the time to build the ruler, the time and MB/s over the texts, and the entities found.
Usage: benches/spacy_names.py CORPUS            (pip install spacy)"""
import glob, os, sys, time, tomllib, resource
# benches/timeit.py would shadow the standard library's timeit, which spaCy imports.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import spacy  # noqa: E402

corpus = sys.argv[1]
patterns = []
for path in sorted(glob.glob(os.path.join(corpus, "editions/register/*.toml"))):
    with open(path, "rb") as f:
        reg = tomllib.load(f)
    for kind, label in (("person", "PERSON"), ("place", "GPE"), ("org", "ORG"), ("work", "WORK")):
        for e in reg.get(kind, []):
            forms = set(f.strip() for f in e.get("forms", []) + [e.get("name") or e.get("title", "")])
            for form in sorted(x for x in forms if x):
                patterns.append({"label": label, "pattern": form, "id": e["key"]})
texts = [open(p, encoding="utf-8").read()
         for p in sorted(glob.glob(os.path.join(corpus, "editions/*/source.txt")))]
nbytes = sum(len(t.encode()) for t in texts)

t0 = time.perf_counter()
nlp = spacy.blank("en")
ruler = nlp.add_pipe("entity_ruler")
ruler.add_patterns(patterns)
t1 = time.perf_counter()
ents = 0
keyed = 0
for doc in nlp.pipe(texts, batch_size=8):
    ents += len(doc.ents)
    keyed += sum(1 for e in doc.ents if e.ent_id_)
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"patterns {len(patterns)}  texts {len(texts)}  {nbytes / 1e6:.1f} MB")
print(f"build ruler {t1 - t0:.1f} s  run {t2 - t1:.1f} s  ({nbytes / 1e6 / (t2 - t1):.2f} MB/s)  "
      f"end to end {t2 - t0:.1f} s ({nbytes / 1e6 / (t2 - t0):.2f} MB/s)  peak RSS {rss} MB")
print(f"entities {ents} (with a register key {keyed})")
