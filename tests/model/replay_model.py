#!/usr/bin/env python3
"""
A differential test of `mmusim replay`'s statistics against a model written
apart from the C code, from the README's rules alone (an x86_64 machine, 4K
pages mapped with `size=4K`, unified TLBs at level 1 and 2, optional PWCs):

- a TLB of `entries`/`ways` picks the set page mod sets; a free way (the
  lowest) is filled first; lru / fifo take the oldest stamp (a refill of the
  same translation is a fill: a fresh stamp), plru follows a tree of ways-1
  bits that each hit or fill points away from its way, srrip inserts at 2,
  sets 0 on a hit, evicts the first way at 3, ageing the set while none is;
- a lookup probes level 1, then level 2 (a level-2 hit fills level 1), then
  the PWCs deepest level first (stopping at a hit) and walks from there: one
  PTE read per level below it, each memory_latency cycles; a walk fills both
  levels and the PWCs of the levels it read pointers at;
- a write that hits an entry with D clear counts the hit, then walks again
  (a dirty re-walk) and refills;
- entries are tagged by ASID (PCID), kernel pages mapped `g` are global;
  `flush` drops everything, `flush asid N` N's non-global entries and its
  PWC entries, `flush va VA` (INVLPG) the page in every address space and
  every PWC entry of the current PCID plus VA's path, `flush va VA asid N`
  N's entry of that page and N's path; every CPU has its own caches.

The model's hits, misses and evictions per TLB, PWC hits and misses, walks,
PTE reads, cycles, dirty re-walks, faults and per-CPU figures must equal the
report's; the per-access log, the interval CSV rows and the per-CPU rows must
add up to the totals; `sweep --json` must print the replay's report. `mrc`'s
curves (fixed 4K pages) must equal brute-force LRU stacks per size and set count.

Usage: replay_model.py MMUSIM [ACCESSES]   (exit 0: all agree, 1: a mismatch)
"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

KERNEL = 0xffff800000000000
KERNEL_BASE = 0xffff888000000000
USER_BASE = 0x10000000


class Cache:
    """One set-associative array of keys (space, number); the set is number mod sets."""

    def __init__(self, entries, ways, repl):
        self.ways, self.sets, self.repl = ways, entries // ways, repl
        self.tags = [[None] * ways for _ in range(self.sets)]
        self.vals = [[None] * ways for _ in range(self.sets)]
        self.stamp = [[0] * ways for _ in range(self.sets)]
        self.bits = [[3 if repl == 'srrip' else 0] * ways for _ in range(self.sets)]
        self.clock = self.hits = self.misses = self.evictions = 0

    def _plru_touch(self, row, way):
        n = self.ways + way
        while n > 1:
            row[n >> 1] = 0 if n & 1 else 1
            n >>= 1

    def _find(self, key):
        s = key[1] % self.sets
        for w in range(self.ways):
            if self.tags[s][w] == key:
                return s, w
        return None

    def lookup(self, key):
        f = self._find(key)
        if not f:
            self.misses += 1
            return None
        self.hits += 1
        s, w = f
        if self.repl == 'lru':
            self.clock += 1
            self.stamp[s][w] = self.clock
        elif self.repl == 'plru':
            self._plru_touch(self.bits[s], w)
        elif self.repl == 'srrip':
            self.bits[s][w] = 0
        return self.vals[s][w]

    def fill(self, key, val):
        s = key[1] % self.sets
        f = self._find(key)
        if f:
            w = f[1]
        elif None in self.tags[s]:
            w = self.tags[s].index(None)
        else:
            self.evictions += 1
            row = self.bits[s]
            if self.repl in ('lru', 'fifo'):
                w = min(range(self.ways), key=lambda i: self.stamp[s][i])
            elif self.repl == 'plru':
                n = 1
                while n < self.ways:
                    n = 2 * n + row[n]
                w = n - self.ways
            else:
                while 3 not in row:
                    for i in range(self.ways):
                        row[i] += 1
                w = row.index(3)
        self.tags[s][w], self.vals[s][w] = key, val
        self.clock += 1
        self.stamp[s][w] = self.clock
        if self.repl == 'plru':
            self._plru_touch(self.bits[s], w)
        elif self.repl == 'srrip':
            self.bits[s][w] = 2

    def drop(self, pred):
        for s in range(self.sets):
            for w in range(self.ways):
                if self.tags[s][w] is not None and pred(self.tags[s][w]):
                    self.tags[s][w] = None
                    self.stamp[s][w] = 0
                    self.bits[s][w] = 3 if self.repl == 'srrip' else self.bits[s][w]


class Model:
    def __init__(self, levels, pwc, pwc_repl, mem):
        self.levels, self.pwc, self.pwc_repl, self.mem = levels, pwc, pwc_repl, mem
        self.cpus, self.asid, self.pt = {}, {}, {}
        self.cur = 0
        self.walks = self.pte = self.cycles = self.faults = self.dirty = 0

    def cpu(self):
        if self.cur not in self.cpus:
            self.cpus[self.cur] = {
                'tlb': [Cache(e, w, r) for e, w, r, _ in self.levels],
                'pwc': {lv: Cache(e, w, self.pwc_repl) for lv, (e, w, _) in self.pwc.items()},
                'acc': 0, 'walks': 0, 'pte': 0, 'cycles': 0}
        return self.cpus[self.cur]

    def walk(self, c, a, va, write):
        """(PTE reads, cycles, entry or None for a fault)."""
        start, cyc = 4, 0
        for lv in sorted(c['pwc']):
            cyc += self.pwc[lv][2]
            if c['pwc'][lv].lookup((a, va >> (12 + 9 * (lv - 1)))) is not None:
                start = lv - 1
                break
        cyc += start * self.mem
        pte = self.pt.get(('K' if va >= KERNEL else a, va >> 12))
        if pte is None:
            return start, cyc, None
        for lv, t in c['pwc'].items():
            if lv <= start:
                t.fill((a, va >> (12 + 9 * (lv - 1))), 1)
        pte['d'] = pte['d'] or write
        return start, cyc, {'d': pte['d']}

    def access(self, op, va):
        c, a = self.cpu(), self.asid.get(self.cur, 0)
        key = ('G' if va >= KERNEL else a, va >> 12)
        write, cyc, walks, pte, hit = op == 'w', 0, 0, 0, None
        c['acc'] += 1
        for i, t in enumerate(c['tlb']):
            cyc += self.levels[i][3]
            ent = t.lookup(key)
            if ent is not None:
                hit = i
                break
        if hit is not None:
            for t in c['tlb'][:hit]:
                t.fill(key, ent)
        if hit is None or (write and not ent['d']):
            self.dirty += hit is not None
            n, wc, ent = self.walk(c, a, va, write)
            walks, pte, cyc = 1, n, cyc + wc
            if ent is None:
                self.faults += 1
            else:
                for t in c['tlb']:
                    t.fill(key, ent)
        self.walks += walks
        self.pte += pte
        self.cycles += cyc
        c['walks'] += walks
        c['pte'] += pte
        c['cycles'] += cyc

    def run(self, lines):
        for line in lines:
            p = line.split()
            if p[0] in ('r', 'w', 'x'):
                self.access(p[0], int(p[1], 0))
            elif p[0] == 'map':
                va, length = int(p[1], 0), int(p[3], 0)
                space = 'K' if va >= KERNEL else self.asid.get(self.cur, 0)
                for page in range(va >> 12, (va + length) >> 12):
                    self.pt[(space, page)] = {'d': 'd' in p[4]}
            elif p[0] == 'cpu':
                self.cur = int(p[1])
                self.cpu()
            elif p[0] == 'asid':
                self.asid[self.cur] = int(p[1])
            elif p[0] == 'flush':
                self.flush(p[1:])
            elif p[0] != 'priv':
                raise ValueError('model: unsupported line ' + line)
        return self

    def flush(self, args):
        c, cur = self.cpu(), self.asid.get(self.cur, 0)
        if not args:
            for t in c['tlb'] + list(c['pwc'].values()):
                t.drop(lambda k: True)
        elif args[0] == 'asid':
            n = int(args[1])
            for t in c['tlb'] + list(c['pwc'].values()):
                t.drop(lambda k: k[0] == n)
        elif len(args) == 2:
            page = int(args[1], 0) >> 12
            for t in c['tlb']:
                t.drop(lambda k: k[1] == page)
            for lv, t in c['pwc'].items():
                t.drop(lambda k: k[0] == cur or k[1] == page >> (9 * (lv - 1)))
        else:
            page, n = int(args[1], 0) >> 12, int(args[3])
            for t in c['tlb']:
                t.drop(lambda k: k == (n, page))
            for lv, t in c['pwc'].items():
                t.drop(lambda k: k == (n, page >> (9 * (lv - 1))))


def trace(kind, n, seed, pages, writes=0.0, dirty=True, cpus=1, asids=1, flushes=0.0, execs=0.0, kernel=0.0):
    rnd = random.Random(seed)
    out = []
    for c in range(cpus):
        if cpus > 1:
            out.append('cpu %d' % c)
        for a in range(asids):
            if asids > 1:
                out.append('asid %d' % a)
            if c == 0:
                out.append('map 0x%x 0x%x 0x%x rwxu%s size=4K' % (USER_BASE, 0x40000000 + a * 0x10000000,
                                                                   pages * 4096, 'd' if dirty else ''))
    if kernel:
        out.append('map 0x%x 0x80000000 0x%x rwxg%s size=4K' % (KERNEL_BASE, pages * 4096, 'd' if dirty else ''))
    zipf = [1.0 / (i + 1) ** 0.99 for i in range(pages)]
    priv = None  # the privilege is per CPU: set again after every `cpu`
    for i in range(n):
        if cpus > 1 and rnd.random() < 0.01:
            out.append('cpu %d' % rnd.randrange(cpus))
            priv = None
        if asids > 1 and rnd.random() < 0.01:
            out.append('asid %d' % rnd.randrange(asids))
        if flushes and rnd.random() < flushes:
            out.append(rnd.choice(['flush', 'flush asid %d' % rnd.randrange(asids),
                                   'flush va 0x%x' % (USER_BASE + rnd.randrange(pages) * 4096),
                                   'flush va 0x%x asid %d' % (USER_BASE + rnd.randrange(pages) * 4096,
                                                              rnd.randrange(asids))]))
        page = {'random': lambda: rnd.randrange(pages), 'stride': lambda: (i * 3) % pages,
                'zipf': lambda: rnd.choices(range(pages), zipf)[0]}[kind]()
        r = rnd.random()
        op = 'w' if r < writes else 'x' if r < writes + execs else 'r'
        sup = kernel and rnd.random() < kernel
        if priv != ('supervisor' if sup else 'user'):
            priv = 'supervisor' if sup else 'user'
            out.append('priv ' + priv)
        out.append('%s 0x%x' % (op, (KERNEL_BASE if sup else USER_BASE) + page * 4096 + (rnd.randrange(4096) & ~7)))
    return out


def config(levels, pwc, pwc_repl, mem):
    s = 'extends: x86_64\ntlb:\n'
    for i, (e, w, r, lat) in enumerate(levels):
        s += ('  - { name: t%d, level: %d, kind: unified, entries: %d, ways: %d, page_sizes: [4K],'
              ' replacement: %s, latency: %d }\n' % (i + 1, i + 1, e, w, r, lat))
    s += 'pwc:\n' if pwc else 'pwc: []\n'
    for lv, (e, w, lat) in sorted(pwc.items()):
        s += '  - { level: %d, entries: %d, ways: %d, latency: %d, replacement: %s }\n' % (lv, e, w, lat, pwc_repl)
    return s + 'memory_latency: %d\n' % mem


def check(mmusim, tmp, tag, levels, lines, pwc=None, pwc_repl='lru', mem=100):
    pwc = pwc or {}
    cfg, tr = os.path.join(tmp, 'c.yaml'), os.path.join(tmp, 't.trace')
    log, ivl = os.path.join(tmp, 'l.jsonl'), os.path.join(tmp, 'i.csv')
    with open(cfg, 'w') as f:
        f.write(config(levels, pwc, pwc_repl, mem))
    with open(tr, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    run = subprocess.run([mmusim, '--config', cfg, '--json', 'replay', '--no-progress', '--log', log,
                          '--interval', '97', '--csv', ivl, tr], capture_output=True, text=True)
    if run.returncode:
        return ['%s: exit %d: %s' % (tag, run.returncode, run.stderr)]
    j = json.loads(run.stdout)
    m = Model(levels, pwc, pwc_repl, mem).run(lines)
    got, want = {}, {}
    for i in range(len(levels)):
        t = j['tlb']['t%d' % (i + 1)]
        got['t%d' % (i + 1)] = (t['hits'], t['misses'], t['evictions'])
        want['t%d' % (i + 1)] = tuple(sum(getattr(c['tlb'][i], k) for c in m.cpus.values())
                                      for k in ('hits', 'misses', 'evictions'))
    for lv in pwc:
        got['pwc%d' % lv] = (j['pwc'][str(lv)]['hits'], j['pwc'][str(lv)]['misses'])
        want['pwc%d' % lv] = tuple(sum(getattr(c['pwc'][lv], k) for c in m.cpus.values()) for k in ('hits', 'misses'))
    got.update(walks=j['walks'], pte_reads=j['pte_reads'], cycles=j['cycles'], dirty=j['dirty_rewalks'],
               faults=sum(j['faults'].values()))
    want.update(walks=m.walks, pte_reads=m.pte, cycles=m.cycles, dirty=m.dirty, faults=m.faults)
    for c in j.get('cpus', []):
        mc = m.cpus[c['cpu']]
        got['cpu%d' % c['cpu']] = (c['accesses']['total'], c['walks'], c['pte_reads'], c['cycles'])
        want['cpu%d' % c['cpu']] = (mc['acc'], mc['walks'], mc['pte'], mc['cycles'])
    errors = ['%s: %s is %s, the model says %s' % (tag, k, got[k], want[k]) for k in got if got[k] != want[k]]
    # The per-access log, the interval rows and the CPUs add up to the totals.
    with open(log) as f:
        entries = [json.loads(x) for x in f]
    with open(ivl) as f:
        rows = list(csv.DictReader(f))
    for k in ('walks', 'pte_reads', 'cycles'):
        sums = {'log': sum(e[k] for e in entries), 'interval rows': sum(int(r[k]) for r in rows)}
        if 'cpus' in j:
            sums['cpus'] = sum(c[k] for c in j['cpus'])
        errors += ['%s: the %s add up to %s %d, the report says %d' % (tag, what, k, v, j[k])
                   for what, v in sums.items() if v != j[k]]
    sweep = subprocess.run([mmusim, '--json', 'sweep', '--config', cfg, tr], capture_output=True, text=True)
    if sweep.stdout != run.stdout:
        errors.append('%s: sweep --json differs from replay --json' % tag)
    return errors


def lru_stack_misses(pages, max_entries, sets):
    """Misses of every LRU TLB of 1..max_entries entries, fully associative and with `sets` sets,
    by brute force: each access's depth in its (set's) recency list; None in pages is a full flush."""
    full = [0] * (max_entries + 1)
    by_sets = {s: [0] * (max_entries // s + 1) for s in sets}
    stacks, set_stacks = [], {s: {} for s in sets}
    for p in pages:
        if p is None:
            stacks, set_stacks = [], {s: {} for s in sets}
            continue
        for stack, counts, top in [(stacks, full, max_entries)] + [
                (set_stacks[s].setdefault(p[1] % s, []), by_sets[s], max_entries // s) for s in sets]:
            depth = stack.index(p) + 1 if p in stack else None
            if depth:
                stack.remove(p)
            stack.insert(0, p)
            for n in range(1, top + 1):
                counts[n] += depth is None or depth > n
    return full, by_sets


def check_mrc(mmusim, tmp, seed):
    """mrc's curves (4K pages, data accesses) against the brute-force LRU stacks."""
    rnd = random.Random(seed)
    lines, pages, asid = [], [], 0
    for _ in range(1500):
        x = rnd.random()
        if x < 0.02:
            asid = rnd.randrange(3)
            lines.append('asid %d' % asid)
        elif x < 0.025:
            lines.append('flush')
            pages.append(None)
        else:
            va = USER_BASE + (int(rnd.paretovariate(1.2)) % 200) * 4096 + rnd.randrange(4096)
            op = rnd.choice('rrwx')
            lines.append('%s 0x%x' % (op, va))
            if op != 'x':
                pages.append((asid, va >> 12))
    tr, out = os.path.join(tmp, 'm.trace'), os.path.join(tmp, 'm.csv')
    with open(tr, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    run = subprocess.run([mmusim, 'mrc', '--max-entries', '32', '--sets', '2,8', '--csv', out, tr],
                         capture_output=True, text=True)
    if run.returncode:
        return ['mrc %d: exit %d: %s' % (seed, run.returncode, run.stderr)]
    full, by_sets = lru_stack_misses(pages, 32, (2, 8))
    errors = []
    with open(out) as f:
        for row in csv.DictReader(f):
            n = int(row['entries'])
            if int(row['misses']) != full[n]:
                errors.append('mrc %d: %d entries: %s misses, the model says %d' % (seed, n, row['misses'], full[n]))
            for s in (2, 8):
                want = str(by_sets[s][n // s]) if n % s == 0 else ''
                if row['misses_%d_sets' % s] != want:
                    errors.append('mrc %d: %d entries in %d sets: %r misses, the model says %r'
                                  % (seed, n, s, row['misses_%d_sets' % s], want))
    return errors


def main():
    mmusim = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    errors, cases = [], 0
    pwc = {2: (8, 4, 2), 3: (4, 2, 3), 4: (2, 2, 4)}
    with tempfile.TemporaryDirectory() as tmp:
        def case(*args, **kw):
            nonlocal cases
            cases += 1
            errors.extend(check(mmusim, tmp, *args, **kw))
        for repl in ('lru', 'fifo', 'plru', 'srrip'):
            for entries, ways in ((1, 1), (4, 1), (8, 2), (16, 4), (16, 16), (64, 8)):
                for kind in ('random', 'stride', 'zipf'):
                    case('%s %d/%d %s' % (repl, entries, ways, kind), [(entries, ways, repl, 1)],
                         trace(kind, n, entries * 7 + ways, pages=96))
            for kind in ('random', 'zipf'):
                case('two levels %s %s, writes' % (repl, kind), [(8, 2, repl, 1), (64, 4, repl, 9)],
                     trace(kind, n, 3, pages=200, writes=0.3, dirty=False))
                case('PWCs %s %s, CPUs, ASIDs, flushes' % (repl, kind), [(16, 4, 'lru', 1), (64, 8, 'plru', 7)],
                     trace(kind, n, 13, pages=3000, writes=0.2, dirty=False, cpus=2, asids=3, flushes=0.01),
                     pwc=pwc, pwc_repl=repl)
                case('global pages %s %s' % (repl, kind), [(16, 4, repl, 1), (64, 8, 'plru', 7)],
                     trace(kind, n, 17, pages=700, writes=0.2, dirty=False, cpus=2, asids=3, flushes=0.01,
                           kernel=0.3), pwc=pwc)
        for seed in range(3):
            cases += 1
            errors.extend(check_mrc(mmusim, tmp, seed))
        case('fetches and a fault-free multi-CPU mix', [(16, 4, 'lru', 1), (64, 8, 'lru', 7)],
             trace('zipf', n, 9, pages=64, writes=0.2, dirty=False, cpus=3, asids=2, flushes=0.005, execs=0.1))
    for e in errors:
        print(e)
    print('%d cases, %d mismatches' % (cases, len(errors)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
