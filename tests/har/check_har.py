#!/usr/bin/env python3
"""check_har.py SCHEMA FILE [ENTRIES]: FILE is valid JSON, valid against the HAR 1.2
schema, every entry's timings (ssl and -1 values left out) add up to its time, every
pageref names a page, and (when given) it holds exactly ENTRIES entries ('>=N': at least N).
Prints what is wrong and exits 1; exits 77 when python3-jsonschema is missing."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("check_har.py: python3-jsonschema is not installed: skipped")
    sys.exit(77)


def main():
    schema_path, path = sys.argv[1], sys.argv[2]
    want = sys.argv[3] if len(sys.argv) > 3 else None
    with open(schema_path) as f:
        schema = json.load(f)
    with open(path) as f:
        text = f.read()
    try:
        har = json.loads(text)
    except ValueError as e:
        print(f"{path}: not JSON: {e}; ends with {text[-200:]!r}")
        return 1
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(har), key=str)
    for e in errors[:5]:
        print(f"{path}: schema: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    if errors:
        return 1
    entries = har["log"]["entries"]
    pages = {p["id"] for p in har["log"].get("pages", [])}
    bad = 0
    for i, e in enumerate(entries):
        t = e["timings"]
        parts = sum(v for k, v in t.items() if k != "ssl" and not k.startswith("_") and v != -1)
        if abs(parts - e["time"]) > 0.002:
            print(f"entry {i} ({e['request']['url']}): timings add up to {parts}, time is {e['time']}")
            bad = 1
        if "pageref" in e and e["pageref"] not in pages:
            print(f"entry {i}: pageref {e['pageref']} names no page")
            bad = 1
    if want is not None:
        n = int(want.lstrip(">="))
        if (want.startswith(">=") and len(entries) < n) or (not want.startswith(">=") and len(entries) != n):
            print(f"{path}: {len(entries)} entries, want {want}")
            bad = 1
    return bad


sys.exit(main())
