#!/usr/bin/env python3
"""Per-span accuracy of name finding against the generator's own list of placements
(BENCHMARKS.md, (b) build): for editio's names pass and for spaCy's EntityRuler
(benches/spacy_names.py), precision, recall and F1 on exact spans, and on exact spans with the
right register key; then the misses and false finds, sorted into categories.

  GOLD    CORPUS/bench-mentions.tsv, written by `editio bench-corpus`
  EDITIO  `editio bench-names --mentions FILE` in the corpus (status linked, inferred or
          ambiguous: an ambiguous mention, ED505, is a span found with no key given)
  SPACY   `benches/spacy_names.py CORPUS --spans FILE`

Usage: benches/names_accuracy.py CORPUS [EDITIO_BINARY]
       (runs both tools, writing their lists next to the corpus as CORPUS.editio.tsv and
       CORPUS.spacy.tsv; lists already there are reused: delete them to run again)"""
import collections, os, re, subprocess, sys

corpus = sys.argv[1].rstrip("/")
editio = sys.argv[2] if len(sys.argv) > 2 else "editio"
here = os.path.dirname(os.path.abspath(__file__))
editio_tsv, spacy_tsv = corpus + ".editio.tsv", corpus + ".spacy.tsv"
if not os.path.exists(editio_tsv):
    subprocess.run([editio, "-q", "--archive", corpus, "bench-names", "--mentions", editio_tsv], check=True)
if not os.path.exists(spacy_tsv):
    subprocess.run([sys.executable, os.path.join(here, "spacy_names.py"), corpus, "--spans", spacy_tsv],
                   check=True, stdout=subprocess.DEVNULL)


def rows(path):
    with open(path, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            yield dict(zip(head, line.rstrip("\n").split("\t")))


def span(r):
    return (r["edition"], int(r["start"]), int(r["end"]))


gold = {span(r): r for r in rows(os.path.join(corpus, "bench-mentions.tsv"))}
sources = {}


def source(edition):
    if edition not in sources:
        with open(os.path.join(corpus, "editions", edition, "source.txt"), "rb") as f:
            sources[edition] = f.read()
    return sources[edition]


def prf(tp, npred, ngold):
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def line(label, tp, npred, ngold):
    p, r, f = prf(tp, npred, ngold)
    print(f"  {label:34} P {p:.4f}  R {r:.4f}  F1 {f:.4f}   (tp {tp}, predicted {npred}, gold {ngold})")


def miss_category(s):
    """Why a gold mention may be missed: what the text has around it."""
    edition, start, end = s
    g = gold[s]
    text = source(edition)
    after = text[end:end + 8].decode("utf-8", "replace")
    before = text[max(0, start - 3):start].decode("utf-8", "replace")
    form = g["surface"]
    cats = []
    if re.match(r"(’s|'s)?\.\d", after):
        cats.append("note number glued after the full stop"
                    + (" (after a possessive ’s)" if not after.startswith(".") else ""))
    elif after.startswith("’s") or after.startswith("'s"):
        cats.append("possessive ’s")
    elif after.startswith("."):
        cats.append(f"last word and full stop one token ('{form.split()[-1]}.', an abbreviation)")
    if re.match(r"^[A-Z]\. ", form):
        cats.append("initial (J. Surname)")
    return ", ".join(cats) or "plain"


def fp_category(s, pred_by_edition):
    edition, start, end = s
    over = [g for g in gold_by_edition.get(edition, []) if g[1] < end and start < g[2]]
    if not over:
        return "overlaps no placed mention"
    g = over[0]
    if start <= g[1] and end >= g[2]:
        return "longer than a placed mention"
    if start >= g[1] and end <= g[2]:
        return "inside a placed mention"
    return "crosses a placed mention"


gold_by_edition = collections.defaultdict(list)
for s in gold:
    gold_by_edition[s[0]].append(s)


def report(name, preds, ambiguous=()):
    """preds: span -> key ('' for none); ambiguous: spans found with no key given."""
    print(f"\n{name}")
    keyed = {s: k for s, k in preds.items() if k}
    found = set(preds) | set(ambiguous)
    tp_span = len(found & set(gold))
    line("span", tp_span, len(found), len(gold))
    tp_key = sum(1 for s, k in keyed.items() if s in gold and gold[s]["key"] == k)
    line("span + key (keyed predictions)", tp_key, len(keyed), len(gold))
    shared = {s for s, g in gold.items() if "," in g["keys"]}
    unique = set(gold) - shared
    tp_u = sum(1 for s in unique if keyed.get(s) == gold[s]["key"])
    tp_sh = sum(1 for s in shared if keyed.get(s) == gold[s]["key"])
    print(f"  gold forms of one entry: {len(unique)}, key right {tp_u}; "
          f"shared forms: {len(shared)}, key right {tp_sh}, "
          f"key given and wrong {sum(1 for s in shared if s in keyed and keyed[s] != gold[s]['key'])}, "
          f"no key (ambiguous) {sum(1 for s in shared if s in ambiguous)}")
    if ambiguous:
        inc = sum(1 for s, cands in ambiguous.items() if s in gold and gold[s]["key"] in cands.split(","))
        print(f"  left unlinked as ambiguous (ED505): {len(ambiguous)}, "
              f"of which on a placed span {sum(1 for s in ambiguous if s in gold)}, "
              f"the meant entry among the candidates {inc}")
    wrong_key = collections.Counter()
    for s, k in keyed.items():
        if s in gold and gold[s]["key"] != k:
            wrong_key["shared form" if "," in gold[s]["keys"] else "form of one entry"] += 1
    if wrong_key:
        print("  right span, wrong key: " + ", ".join(f"{c} {n}" for c, n in wrong_key.most_common()))
    misses = collections.Counter(miss_category(s) for s in set(gold) - found)
    print(f"  missed spans: {sum(misses.values())}")
    for c, n in misses.most_common():
        print(f"    {n:7}  {c}")
    fps = collections.Counter(fp_category(s, None) for s in found - set(gold))
    print(f"  spans found that were not placed: {sum(fps.values())}")
    for c, n in fps.most_common():
        print(f"    {n:7}  {c}")
    return found


print(f"gold: {len(gold)} mentions placed by the generator, "
      f"{sum(1 for g in gold.values() if ',' in g['keys'])} of them with a form shared by several entries")
ed, amb = {}, {}
for r in rows(editio_tsv):
    if r["status"] == "ambiguous":
        amb[span(r)] = r["candidates"]
    else:
        ed[span(r)] = r["key"]
report("editio names pass", ed, amb)
report("spaCy EntityRuler", {span(r): r["key"] for r in rows(spacy_tsv)})
