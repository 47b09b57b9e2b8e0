"""Check eval JSONL files (schema, label lengths, paired ids) and print label counts per class."""
import json, sys, collections
pairs = collections.Counter(); st = collections.Counter(); men = collections.Counter(); dom = collections.Counter(); ids = set(); n = 0
for path in sys.argv[1:]:
    for i, line in enumerate(open(path, encoding="utf-8"), 1):
        o = json.loads(line); n += 1; key = "mentioned" if o["kind"] == "standup" else "status"
        assert o["id"] not in ids and 1 <= len(o["tasks"]) <= 5 and o["text"].strip() and o.get("domain"), (path, i)
        assert len(o[key]) == len(o["tasks"]), (path, i, "label length"); ids.add(o["id"]); dom[o["domain"]] += 1
        assert all(v in ("done", "progress", "blocked", "none") for v in o[key]) if key == "status" else all(isinstance(v, bool) for v in o[key]), (path, i)
        (men if key == "mentioned" else st).update(o[key]); pairs[o["kind"]] += 1
unpaired = {i for i in ids if (i.replace("-s-", "-r-") if "-s-" in i else i.replace("-r-", "-s-")) not in ids}
tot = sum(st.values()); m = sum(men.values())
print(f"{n} items ({pairs['standup']} standups, {pairs['report']} reports); unpaired ids: {sorted(unpaired) or 'none'}")
print(f"standup pairs {m}, mentioned {men[True]} ({100*men[True]/max(m,1):.1f}%)")
print("report pairs", tot, " ".join(f"{k} {st[k]} ({100*st[k]/max(tot,1):.1f}%)" for k in ("done", "progress", "blocked", "none")))
print("domains:", dict(sorted(dom.items())))
