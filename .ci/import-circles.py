#!/usr/bin/env python3
"""No import circles: the file-level dependency graph of each crate under crates/ must be
acyclic. An edge a -> b when a.rs names an item (through `use`, or a `crate::`/`super::`/
child-module path in code) that is defined in b.rs; re-exports are followed to the defining
file, and a `pub use` that the file itself does not use is not a dependency of it. `mod`
declarations are not edges. Prints each circle (strongly connected component) and exits 1
if there is one. Usage: python3 .ci/import-circles.py [crates-dir] [-v]"""
import os, re, sys, glob
args = [a for a in sys.argv[1:] if not a.startswith('-')]
root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'crates')
def modpath(crate_src, f):
    rel = os.path.relpath(f, crate_src)[:-3].split(os.sep)
    if rel[-1] in ('lib', 'main', 'mod'): rel = rel[:-1]
    return tuple(rel)
total_circles = 0
for crate in sorted(glob.glob(os.path.join(root, '*'))):
    src = os.path.join(crate, 'src')
    if not os.path.isdir(src): continue
    files = [f for f in glob.glob(src + '/**/*.rs', recursive=True)]
    mods = {}
    for f in files:
        mods[modpath(src, f)] = f
    text = {}
    for f in files:
        t = open(f).read()
        # strip #[cfg(test)] mod tests { ... } roughly: cut at '#[cfg(test)]\nmod tests'
        i = t.find('#[cfg(test)]\nmod tests')
        if i >= 0: t = t[:i]
        t = re.sub(r'//[^\n]*', '', t)
        text[f] = t
    # re-exports: module -> name -> target module
    reexp = {}
    globs = {}
    def resolve(cur, path):
        # path: list of segments after crate:: etc; returns module tuple of longest prefix existing
        best = None
        for k in range(len(path), -1, -1):
            m = tuple(path[:k])
            if m in mods:
                best = m; rest = path[k:]; break
        if best is None: return None
        # follow re-export one level
        if rest and best in reexp and rest[0] in reexp[best]:
            tgt = reexp[best][rest[0]]
            if tgt != best: return tgt
        if rest and best in globs:
            for g in globs[best]:
                if re.search(r'pub(?:\([^)]*\))?\s+(?:async\s+)?(?:struct|enum|fn|type|const|trait|static|mod)\s+' + re.escape(rest[0]) + r'\b', text[mods[g]]):
                    return g
        return best
    def expand_use(body):
        # expand a use tree like a::{b, c::{d,e}} -> lists of segments
        body = re.sub(r'\s+as\s+', '@', body).replace(' ', '').replace('\n', '')
        out = []
        def rec(prefix, s):
            if '{' not in s:
                for part in split_top(s):
                    if part: out.append(prefix + part.split('@')[0].split('::'))
                return
            for part in split_top(s):
                if not part: continue
                if '{' in part:
                    head, inner = part.split('{', 1)
                    inner = inner[:inner.rfind('}')]
                    hp = [x for x in head.split('::') if x]
                    rec(prefix + hp, inner)
                else:
                    out.append(prefix + part.split('@')[0].split('::'))
        def split_top(s):
            parts, depth, cur = [], 0, ''
            for ch in s:
                if ch == '{': depth += 1
                if ch == '}': depth -= 1
                if ch == ',' and depth == 0: parts.append(cur); cur = ''
                else: cur += ch
            parts.append(cur); return parts
        rec([], body)
        return out
    def absolutize(f, segs):
        cur = list(modpath(src, f))
        is_modrs = os.path.basename(f) in ('mod.rs', 'lib.rs', 'main.rs')
        if segs[0] == 'crate': return segs[1:]
        if segs[0] == 'self': return (cur if True else cur) + segs[1:]
        if segs[0] == 'super':
            base = cur[:]
            s = segs
            while s and s[0] == 'super':
                base = base[:-1]; s = s[1:]
            return base + s
        return None
    # pass 1: re-exports
    for f in files:
        m = modpath(src, f)
        for body in re.findall(r'pub(?:\([^)]*\))?\s+use\s+([^;]+);', text[f]):
            for segs in expand_use(body):
                if not segs: continue
                name = segs[-1]
                if name == '*':
                    if segs[0] in ('crate', 'self', 'super'):
                        g = absolutize(f, segs[:-1])
                    else:
                        g = list(m) + segs[:-1]
                    if g is not None and tuple(g) in mods:
                        globs.setdefault(m, []).append(tuple(g))
                    continue
                if segs[0] in ('crate', 'self', 'super'):
                    a = absolutize(f, segs)
                elif tuple(list(m) + [segs[0]]) in mods:
                    a = list(m) + segs
                else:
                    continue
                for k in range(len(a), 0, -1):
                    if tuple(a[:k]) in mods:
                        reexp.setdefault(m, {})[name] = tuple(a[:k]); break
    edges = {f: set() for f in files}
    for f in files:
        m = modpath(src, f)
        t = text[f]
        paths = []
        code_wo_use = re.sub(r'\b(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;', '', t)
        for mt in re.finditer(r'\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);', t):
            is_pub = mt.group(1) is not None
            for segs in expand_use(mt.group(2)):
                if not segs or segs[-1] == '*':
                    continue
                name = segs[-1]
                if is_pub and not re.search(r'\b' + re.escape(name) + r'\b', code_wo_use):
                    continue  # a re-export only: not a dependency of this file's code
                if segs[0] in ('crate', 'self', 'super'):
                    paths.append(absolutize(f, segs))
                elif tuple(list(m) + [segs[0]]) in mods:
                    paths.append(list(m) + segs)
        # relative paths into child modules used in code (`read_cache::ReadCache`)
        for child in [k[-1] for k in mods if len(k) == len(m) + 1 and k[:len(m)] == m]:
            for p in re.findall(r'(?<![\w:])(' + re.escape(child) + r'(?:::\w+)+)', code_wo_use):
                paths.append(list(m) + p.split('::'))
        for p in re.findall(r'\b((?:crate|super)(?:::\w+)+)', t):
            segs = p.split('::')
            paths.append(absolutize(f, segs))
        for p in paths:
            if p is None: continue
            tgt = resolve(m, list(p))
            if tgt is None: continue
            g = mods[tgt]
            if g != f: edges[f].add(g)
    # tarjan
    idx = {}; low = {}; st = []; on = set(); comps = []; c = [0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in edges[v]:
            if w not in idx: sc(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            comps.append(comp)
    for v in files:
        if v not in idx: sc(v)
    for comp in comps:
        if len(comp) > 1:
            total_circles += 1
            print(f'CIRCLE in {crate}: ' + ' <-> '.join(sorted(os.path.relpath(x, src) for x in comp)))
            if '-v' in sys.argv:
                for a in comp:
                    for b in edges[a]:
                        if b in comp: print('   ', os.path.relpath(a, src), '->', os.path.relpath(b, src))
print(f'{total_circles} circle(s)')
sys.exit(1 if total_circles else 0)
