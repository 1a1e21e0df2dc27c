"""The Exodus method (exodus-core's StaticAnalysis), re-implemented for the benchmark:

1. extract every classes*.dex of the APK to a temporary folder (Python's zipfile);
2. `dexdump <tmp>/classes*.dex | perl -n -e'/[A-Z]+((?:\\w+\\/)+\\w+)/ && print "$1\\n"' | sort | uniq`
   gives the class list (slash-separated);
3. one regular expression per tracker, compiled from its code signature -- package prefixes joined
   with `|`, unanchored, dots left as wildcards -- searched in every class until one matches.

Usage: python3 exodus.py <apk> <signatures.json>   (a JSON list of {"name", "code_signature"})
Prints the names of the trackers found, one per line, then the class count on stderr.
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile


def embedded_classes(apk_path):
    dex_name = re.compile(r'classes.*\.dex')
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(apk_path) as apk:
            for info in apk.infolist():
                if dex_name.search(info.filename):
                    apk.extract(info, tmp)
        dexdump = shutil.which('dexdump')
        cmd = "%s %s/classes*.dex | perl -n -e'/[A-Z]+((?:\\w+\\/)+\\w+)/ && print \"$1\\n\"' | sort | uniq" % (dexdump, tmp)
        return subprocess.check_output(cmd, shell=True, stderr=subprocess.DEVNULL, universal_newlines=True).splitlines()


def detect(classes, signatures):
    found = []
    for sig in signatures:
        if len(sig['code_signature']) <= 3:
            continue
        rx = re.compile(sig['code_signature'])
        for c in classes:
            if rx.search(c):
                found.append(sig['name'])
                break
    return found


if __name__ == '__main__':
    apk, sig_file = sys.argv[1], sys.argv[2]
    with open(sig_file) as f:
        signatures = json.load(f)
    classes = embedded_classes(apk)
    for name in detect(classes, signatures):
        print(name)
    print(len(classes), file=sys.stderr)
