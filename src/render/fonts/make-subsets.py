#!/usr/bin/env python3
"""Makes the fonts editio ships beside its own code, from fonts installed on the machine.

    pip install fonttools brotli
    apt-get install fonts-noto-cjk        # Debian/Ubuntu: Noto Serif CJK (OFL 1.1)
    python3 src/render/fonts/make-subsets.py [LIBERTINUS_DIR]

1. NotoSerifCJK-editio.otf: Noto Serif CJK SC cut down to the Chinese and Japanese characters
   of the bundled editions and register (every character the book face cannot show), the kana
   and the CJK punctuation. Run it again after adding a text or a register entry whose CJK
   characters are not yet in the subset: `editio build` reports each character no shipped font
   has (finding ED701).
   noto-serif-cjk.woff2 holds only the characters of the texts and register (no spare kana), for
   the HTML pages and EPUB files.
2. libertinus-serif-*.woff2: Libertinus Serif (the copies in the typst-assets crate, OFL 1.1)
   cut down to Latin, Greek, Cyrillic and punctuation, and dejavu-sans-mono.woff2 (Bitstream
   Vera licence) cut down to ASCII, for the HTML pages and EPUB files. LIBERTINUS_DIR (the
   folder of both) defaults to the typst-assets crate in Cargo's registry.
"""
import glob, os, subprocess, sys
from fontTools.ttLib import TTCollection, TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
NOTO = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SC = 2  # the collection's faces: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK

lib_dir = sys.argv[1] if len(sys.argv) > 1 else sorted(glob.glob(os.path.expanduser(
    "~/.cargo/registry/src/*/typst-assets-*/files/fonts")))[-1]
libertinus = TTFont(os.path.join(lib_dir, "LibertinusSerif-Regular.otf"))
book = set(libertinus.getBestCmap())

used = set()
for pattern in ("editions/**/*.txt", "editions/**/*.toml"):
    for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
        with open(path, encoding="utf-8", errors="replace") as f:
            used.update(ord(c) for c in f.read())
noto = TTCollection(NOTO).fonts[SC]
cjk = set(noto.getBestCmap())
wanted = {c for c in used if c not in book and c in cjk and c > 0x2000}
wanted |= set(range(0x3000, 0x3040)) | set(range(0x3040, 0x3100))
wanted &= cjk
unicodes = ",".join(f"U+{c:04X}" for c in sorted(wanted))
subprocess.run([
    "pyftsubset", NOTO, f"--font-number={SC}", f"--unicodes={unicodes}",
    "--layout-features=*", "--name-IDs=*", "--name-languages=*", "--notdef-outline",
    f"--output-file={os.path.join(HERE, 'NotoSerifCJK-editio.otf')}",
], check=True)
print(f"NotoSerifCJK-editio.otf: {len(wanted)} characters")
in_texts = ",".join(f"U+{c:04X}" for c in sorted(c for c in used if c in wanted))
subprocess.run([
    "pyftsubset", os.path.join(HERE, "NotoSerifCJK-editio.otf"), f"--unicodes={in_texts}",
    "--layout-features=*", "--flavor=woff2",
    f"--output-file={os.path.join(HERE, 'noto-serif-cjk.woff2')}",
], check=True)
subprocess.run([
    "pyftsubset", os.path.join(lib_dir, "DejaVuSansMono.ttf"), "--unicodes=U+0020-007E",
    "--flavor=woff2", f"--output-file={os.path.join(HERE, 'dejavu-sans-mono.woff2')}",
], check=True)

web = "U+0000-017F,U+0192,U+0218-021B,U+02BB-02BC,U+02C6-02DD,U+0300-0308,U+030A-030C,U+0327,U+0370-03FF,U+0400-045F,U+0490-0491,U+2000-206F,U+20AC,U+2116,U+2122,U+2190-2193,U+2212,U+FB01-FB02"
for style in ("Regular", "Italic", "Bold", "BoldItalic"):
    out = os.path.join(HERE, f"libertinus-serif-{style.lower()}.woff2")
    subprocess.run([
        "pyftsubset", os.path.join(lib_dir, f"LibertinusSerif-{style}.otf"),
        f"--unicodes={web}", "--layout-features=kern,liga,smcp,c2sc,onum,lnum,pnum,tnum,sups,locl,ccmp,mark,mkmk", "--flavor=woff2",
        f"--output-file={out}",
    ], check=True)
    print(os.path.basename(out), os.path.getsize(out))
