/*
 * mrc: every LRU TLB size in one pass (see mrc.h).
 *
 * Fully associative.  Each access gets a time 0, 1, 2, ...; the Fenwick tree
 * holds a 1 at the latest access time of every page in the map, so the pages
 * touched since page p's previous access at time t are the ones counted
 * above t: distance = ones(> t) + 1.  Times grow without end while the tree
 * has a fixed size, so when they reach it the live pages are renumbered
 * 0..k-1 in order (which keeps every distance) and the tree is rebuilt,
 * twice as large when more than a quarter of it is live: amortized O(log T).
 * A full flush records its time (`epoch`): a page last touched before it is
 * cold, and every page touched since counts only pages touched since.
 *
 * Set-associative.  Per set count, a flat array of per-set LRU stacks, W
 * deep, most recent first; an access scans its set's stack (at most W keys,
 * W = max_entries / sets, which is small where set-associative curves matter)
 * and moves the page to the top.
 */
#include "mrc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pt/walk.h"
#include "sim/machine.h"
#include "sim/replay.h"
#include "sim/tlb.h"

struct page_key {
	uint64_t page;              /* va >> page_shift */
	uint32_t space;             /* tlb_space(vmid, asid), or global_space(vmid) */
};

/*
 * A global page (mapped: its translation says so) serves every ASID of its
 * VM, as a TLB's global entry does: one key per VM, with a bit no VMID reaches.
 */
#define MRC_GLOBAL_SPACE (1u << 31)
_Static_assert(MACHINE_NR_VMS <= 1u << 15, "VMIDs stay below the global bit");

static inline uint32_t global_space(uint16_t vmid)
{
	return tlb_space(vmid, 0) | MRC_GLOBAL_SPACE;
}

static inline uint16_t key_vmid(uint32_t space)
{
	return tlb_space_vmid(space & ~MRC_GLOBAL_SPACE);
}

struct map_slot {
	struct page_key key;
	uint64_t time;              /* its latest access */
	bool used;
};

/* Curves of one set count: histogram of in-set distances 1..ways, cold = deeper or never seen. */
struct set_curve {
	unsigned sets, ways;
	struct page_key *stack;     /* sets * ways keys, set-major, most recent first */
	unsigned *depth;            /* valid keys per set */
	uint64_t *hist;             /* [1..ways] */
	uint64_t cold;
};

struct mrc {
	struct mrc_options opt;
	/* page -> latest access time (open addressing, linear probing) */
	struct map_slot *map;
	size_t map_mask, map_used;
	/* Fenwick tree over times [0, tree_size): 1 at each mapped page's latest time */
	uint32_t *tree;
	uint64_t tree_size;
	uint64_t now;               /* the next access's time */
	uint64_t epoch;             /* time of the last full flush: older times are cold */
	uint64_t *hist;             /* [1..max_entries]: accesses at that stack distance */
	uint64_t beyond;            /* distance above max_entries, or cold */
	uint64_t accesses;
	uint64_t partial;
	struct set_curve curves[MRC_MAX_SET_COUNTS];
	uint16_t asid, vmid;
};

static inline uint64_t key_hash(struct page_key k)
{
	uint64_t x = k.page * 0x9e3779b97f4a7c15ull ^ (uint64_t)k.space * 0xc2b2ae3d27d4eb4full;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static inline bool key_eq(struct page_key a, struct page_key b)
{
	return a.page == b.page && a.space == b.space;
}

static inline uint32_t space_of(const struct mrc *m)
{
	return tlb_space(m->vmid, m->asid);
}

/* ---------------------------------------------------------------- Fenwick */

static void tree_add(struct mrc *m, uint64_t t, int32_t delta)
{
	for (uint64_t i = t + 1; i <= m->tree_size; i += i & (0 - i))
		m->tree[i - 1] += (uint32_t)delta;
}

/* Ones at times <= t. */
static uint64_t tree_prefix(const struct mrc *m, uint64_t t)
{
	uint64_t sum = 0;

	for (uint64_t i = t + 1; i > 0; i -= i & (0 - i))
		sum += m->tree[i - 1];
	return sum;
}

/* ----------------------------------------------------------------- the map */

static struct map_slot *map_find(const struct mrc *m, struct page_key k)
{
	for (size_t i = key_hash(k) & m->map_mask;; i = (i + 1) & m->map_mask) {
		struct map_slot *s = &m->map[i];
		if (!s->used)
			return NULL;
		if (key_eq(s->key, k))
			return s;
	}
}

/* The slot for k, new (used, time unset) if k was absent; the map has room (load <= 1/2). */
static struct map_slot *map_insert(struct mrc *m, struct page_key k, bool *fresh)
{
	size_t i = key_hash(k) & m->map_mask;

	for (;; i = (i + 1) & m->map_mask) {
		struct map_slot *s = &m->map[i];
		if (!s->used) {
			s->used = true;
			s->key = k;
			m->map_used++;
			*fresh = true;
			return s;
		}
		if (key_eq(s->key, k)) {
			*fresh = false;
			return s;
		}
	}
}

/* Removes slot s, shifting later members of its probe run back (no tombstones). */
static void map_remove(struct mrc *m, struct map_slot *s)
{
	size_t hole = (size_t)(s - m->map);

	m->map[hole].used = false;
	m->map_used--;
	for (size_t i = (hole + 1) & m->map_mask; m->map[i].used; i = (i + 1) & m->map_mask) {
		size_t home = key_hash(m->map[i].key) & m->map_mask;
		/* Can m->map[i] move to the hole: is the hole cyclically within [home, i)? */
		if (((i - home) & m->map_mask) >= ((i - hole) & m->map_mask)) {
			m->map[hole] = m->map[i];
			m->map[i].used = false;
			hole = i;
		}
	}
}

static int map_grow(struct mrc *m, struct mm_error *err)
{
	size_t old_size = m->map_mask + 1, size = old_size * 2;
	struct map_slot *old = m->map, *map = calloc(size, sizeof(*map));

	if (!map)
		return mm_error_set(err, MM_ENOMEM, "mrc: out of host memory for %zu pages", m->map_used);
	m->map = map;
	m->map_mask = size - 1;
	m->map_used = 0;
	for (size_t i = 0; i < old_size; i++) {
		bool fresh;
		if (old[i].used)
			map_insert(m, old[i].key, &fresh)->time = old[i].time;
	}
	free(old);
	return MM_OK;
}

/* ------------------------------------------------------- renumbering times */

static int by_time(const void *a, const void *b)
{
	uint64_t x = (*(struct map_slot *const *)a)->time, y = (*(struct map_slot *const *)b)->time;

	return (x > y) - (x < y);
}

/*
 * Times reached the tree's end: forget pages older than the last full flush
 * (they are cold anyway), renumber the rest 0..k-1 in order and rebuild.
 */
static int renumber(struct mrc *m, struct mm_error *err)
{
	size_t live = 0, size = m->map_mask + 1;
	struct map_slot **order = NULL;

	for (size_t i = 0; i < size;) {
		if (m->map[i].used && m->map[i].time < m->epoch)
			map_remove(m, &m->map[i]); /* may pull a later slot into i: look at i again */
		else
			i++;
	}
	if (m->map_used && !(order = malloc(m->map_used * sizeof(*order))))
		return mm_error_set(err, MM_ENOMEM, "mrc: out of host memory for %zu pages", m->map_used);
	for (size_t i = 0; i < size; i++)
		if (m->map[i].used)
			order[live++] = &m->map[i];
	qsort(order, live, sizeof(*order), by_time);
	uint64_t tree_size = m->tree_size;
	while (tree_size < 4 * (uint64_t)live)
		tree_size *= 2;
	if (tree_size != m->tree_size) {
		uint32_t *t = realloc(m->tree, tree_size * sizeof(*t));
		if (!t) {
			free(order);
			return mm_error_set(err, MM_ENOMEM, "mrc: out of host memory for %zu pages", live);
		}
		m->tree = t;
		m->tree_size = tree_size;
	}
	memset(m->tree, 0, m->tree_size * sizeof(*m->tree));
	for (size_t i = 0; i < live; i++) {
		order[i]->time = i;
		tree_add(m, i, 1);
	}
	free(order);
	m->now = live;
	m->epoch = 0;
	return MM_OK;
}

/* -------------------------------------------------------------- accesses */

static int full_access(struct mrc *m, struct page_key k, struct mm_error *err)
{
	bool fresh;
	struct map_slot *s;

	if (m->map_used + 1 > (m->map_mask + 1) / 2 && map_grow(m, err))
		return MM_ENOMEM;
	s = map_insert(m, k, &fresh);
	if (!fresh) {
		if (s->time >= m->epoch) {
			/* Every mapped page has its one 1: those after s->time, and s itself. */
			uint64_t d = m->map_used - tree_prefix(m, s->time) + 1;
			if (d <= m->opt.max_entries)
				m->hist[d]++;
			else
				m->beyond++;
		} else {
			m->beyond++;
		}
		tree_add(m, s->time, -1);
	} else {
		m->beyond++;
	}
	s->time = m->now;
	tree_add(m, m->now, 1);
	if (++m->now == m->tree_size)
		return renumber(m, err);
	return MM_OK;
}

static void set_access(struct set_curve *c, struct page_key k)
{
	unsigned set = (unsigned)(k.page & (c->sets - 1));
	struct page_key *st = &c->stack[(size_t)set * c->ways];
	unsigned depth = c->depth[set], pos;

	for (pos = 0; pos < depth && !key_eq(st[pos], k); pos++)
		;
	if (pos < depth) {
		c->hist[pos + 1]++;
	} else {
		c->cold++;
		if (depth < c->ways)
			c->depth[set] = ++depth;
		pos = depth - 1; /* the deepest is pushed out (or the new free way is used) */
	}
	memmove(&st[1], &st[0], pos * sizeof(*st));
	st[0] = k;
}

static int translate(struct mrc *m, struct page_key k, struct mm_error *err)
{
	m->accesses++;
	for (unsigned i = 0; i < m->opt.nr_sets; i++)
		set_access(&m->curves[i], k);
	return full_access(m, k, err);
}

static bool kind_counts(enum mrc_kind kind, unsigned access)
{
	return kind == MRC_ALL || (kind == MRC_INSTRUCTION) == (access == ACCESS_EXEC);
}

/* --------------------------------------------------------- invalidations */

static void full_flush(struct mrc *m)
{
	m->epoch = m->now;
	for (unsigned i = 0; i < m->opt.nr_sets; i++)
		memset(m->curves[i].depth, 0, m->curves[i].sets * sizeof(*m->curves[i].depth));
}

/* Which pages an invalidation drops. */
struct drop {
	bool any_space;             /* else `space` only */
	bool with_global;           /* and the global pages of space's VMID */
	bool whole_vm;              /* every page of space's VMID */
	uint32_t space;
	uint64_t first, last;       /* VAs, inclusive */
	bool all_pages;             /* every page of the space(s), whatever first and last say */
};

static bool drop_matches(const struct mrc *m, const struct drop *d, struct page_key k)
{
	if (d->whole_vm)
		return key_vmid(k.space) == key_vmid(d->space);
	if (!d->any_space && k.space != d->space &&
	    !(d->with_global && k.space == global_space(key_vmid(d->space))))
		return false;
	if (d->all_pages)
		return true;
	unsigned shift = m->opt.mapped ? (unsigned)(k.page >> MRC_SHIFT_BIT) : m->opt.page_shift;
	uint64_t page = m->opt.mapped ? k.page & ((1ull << MRC_SHIFT_BIT) - 1) : k.page;
	return page >= d->first >> shift && page <= d->last >> shift;
}

static bool set_drop(const struct mrc *m, struct set_curve *c, const struct drop *d)
{
	bool dropped = false;

	for (unsigned s = 0; s < c->sets; s++) {
		struct page_key *st = &c->stack[(size_t)s * c->ways];
		unsigned keep = 0;
		for (unsigned i = 0; i < c->depth[s]; i++) {
			if (drop_matches(m, d, st[i]))
				dropped = true;
			else
				st[keep++] = st[i];
		}
		c->depth[s] = keep;
	}
	return dropped;
}

static void invalidate(struct mrc *m, const struct drop *d)
{
	bool dropped = false;
	size_t size = m->map_mask + 1;

	for (size_t i = 0; i < size;) {
		struct map_slot *s = &m->map[i];
		if (s->used && s->time >= m->epoch && drop_matches(m, d, s->key)) {
			tree_add(m, s->time, -1);
			map_remove(m, s); /* may pull a later slot into i: look at i again */
			dropped = true;
		} else {
			i++;
		}
	}
	for (unsigned i = 0; i < m->opt.nr_sets; i++)
		dropped |= set_drop(m, &m->curves[i], d);
	m->partial += dropped;
}

/* Drops one page (fixed page size) from the map and every set's stack; true if it was there. */
static bool drop_page(struct mrc *m, struct page_key k)
{
	struct map_slot *s = map_find(m, k);
	bool dropped = false;

	if (s && s->time >= m->epoch) {
		tree_add(m, s->time, -1);
		map_remove(m, s);
		dropped = true;
	}
	for (unsigned i = 0; i < m->opt.nr_sets; i++) {
		struct set_curve *c = &m->curves[i];
		unsigned set = (unsigned)(k.page & (c->sets - 1));
		struct page_key *st = &c->stack[(size_t)set * c->ways];
		for (unsigned pos = 0; pos < c->depth[set]; pos++) {
			if (key_eq(st[pos], k)) {
				memmove(&st[pos], &st[pos + 1], (c->depth[set] - pos - 1) * sizeof(*st));
				c->depth[set]--;
				dropped = true;
				break;
			}
		}
	}
	return dropped;
}

/* Few pages of one space are looked up one by one; anything wider scans everything. */
#define DROP_BY_LOOKUP_PAGES 64

static void drop_range(struct mrc *m, uint64_t va, uint64_t len, bool any_space, uint32_t space)
{
	uint64_t end = len ? va + (len - 1) : va;
	struct drop d = { .any_space = any_space, .space = space, .first = va, .last = end < va ? UINT64_MAX : end };
	uint64_t first = d.first >> m->opt.page_shift, last = d.last >> m->opt.page_shift;

	if (any_space || m->opt.mapped || last - first >= DROP_BY_LOOKUP_PAGES) {
		invalidate(m, &d);
		return;
	}
	bool dropped = false;
	for (uint64_t p = first;; p++) {
		dropped |= drop_page(m, (struct page_key){ p, space });
		if (p == last)
			break;
	}
	m->partial += dropped;
}

static void flush(struct mrc *m, const struct trace_event *e)
{
	uint32_t named = tlb_space(m->vmid, (uint16_t)e->n);

	switch (e->scope & FLUSH_SCOPE_MASK) {
	case FLUSH_ALL:
		full_flush(m);
		break;
	case FLUSH_VA:
		drop_range(m, e->va, 1, true, 0);
		break;
	case FLUSH_ASID:
		invalidate(m, &(struct drop){ .space = named, .all_pages = true });
		break;
	case FLUSH_VA_ASID_GLOBAL: /* Arm TLBI VAE1: the global entry goes too (only mapped keys are global) */
		if (m->opt.mapped)
			invalidate(m, &(struct drop){ .space = named, .with_global = true, .first = e->va, .last = e->va });
		else
			drop_range(m, e->va, 1, false, named);
		break;
	default: /* FLUSH_VA_ASID */
		drop_range(m, e->va, 1, false, named);
		break;
	}
}

/* ------------------------------------------------------------------ API */

static int check_options(const struct mrc_options *o, struct mm_error *err)
{
	if (o->max_entries < 1 || o->max_entries > MRC_MAX_ENTRIES)
		return mm_error_set(err, MM_EINVAL, "max entries %u: expected 1 to %u", o->max_entries,
				    MRC_MAX_ENTRIES);
	if (!o->mapped && o->page_shift >= 64)
		return mm_error_set(err, MM_EINVAL, "page shift %u: expected below 64", o->page_shift);
	if (o->kind != MRC_DATA && o->kind != MRC_INSTRUCTION && o->kind != MRC_ALL)
		return mm_error_set(err, MM_EINVAL, "unknown access kind %d", (int)o->kind);
	if (o->nr_sets > MRC_MAX_SET_COUNTS)
		return mm_error_set(err, MM_EINVAL, "%u set counts: at most %u", o->nr_sets, MRC_MAX_SET_COUNTS);
	for (unsigned i = 0; i < o->nr_sets; i++) {
		unsigned s = o->sets[i];
		if (s < 1 || (s & (s - 1)) || s > o->max_entries || o->max_entries % s)
			return mm_error_set(err, MM_EINVAL,
					    "%u sets: expected a power of two that divides the max entries (%u)", s,
					    o->max_entries);
	}
	return MM_OK;
}

struct mrc *mrc_create(const struct mrc_options *opt, struct mm_error *err)
{
	struct mrc *m;

	if (check_options(opt, err))
		return NULL;
	if (!(m = calloc(1, sizeof(*m))))
		goto nomem;
	m->opt = *opt;
	m->map_mask = 1023;
	m->tree_size = 4096;
	m->map = calloc(m->map_mask + 1, sizeof(*m->map));
	m->tree = calloc(m->tree_size, sizeof(*m->tree));
	m->hist = calloc((size_t)opt->max_entries + 1, sizeof(*m->hist));
	if (!m->map || !m->tree || !m->hist)
		goto nomem;
	for (unsigned i = 0; i < opt->nr_sets; i++) {
		struct set_curve *c = &m->curves[i];
		c->sets = opt->sets[i];
		c->ways = opt->max_entries / c->sets;
		c->stack = calloc((size_t)c->sets * c->ways, sizeof(*c->stack));
		c->depth = calloc(c->sets, sizeof(*c->depth));
		c->hist = calloc((size_t)c->ways + 1, sizeof(*c->hist));
		if (!c->stack || !c->depth || !c->hist)
			goto nomem;
	}
	return m;
nomem:
	mrc_destroy(m);
	mm_error_set(err, MM_ENOMEM, "mrc: out of host memory for %u entries", opt->max_entries);
	return NULL;
}

void mrc_destroy(struct mrc *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < MRC_MAX_SET_COUNTS; i++) {
		free(m->curves[i].stack);
		free(m->curves[i].depth);
		free(m->curves[i].hist);
	}
	free(m->map);
	free(m->tree);
	free(m->hist);
	free(m);
}

static void stats_reset(struct mrc *m)
{
	memset(m->hist, 0, ((size_t)m->opt.max_entries + 1) * sizeof(*m->hist));
	m->beyond = m->accesses = 0;
	for (unsigned i = 0; i < m->opt.nr_sets; i++) {
		struct set_curve *c = &m->curves[i];
		memset(c->hist, 0, ((size_t)c->ways + 1) * sizeof(*c->hist));
		c->cold = 0;
	}
}

/*
 * One translation per page of the chosen size the access touches; past VA
 * 2^64 - 1 at VA 0, as replay (access_next_page).  Without a machine there
 * is no narrower VA space to wrap in.
 */
static int access_pages(struct mrc *m, const struct trace_event *e, struct mm_error *err)
{
	const uint64_t page = 1ull << m->opt.page_shift;
	uint64_t va = e->va, left = access_bytes(e);
	uint32_t space = space_of(m);
	int rc;

	do {
		if ((rc = translate(m, (struct page_key){ va >> m->opt.page_shift, space }, err)))
			return rc;
	} while (access_next_page(&va, &left, page, UINT64_MAX));
	return MM_OK;
}

static int one_event(struct mrc *m, const struct trace_event *e, const char *source, struct mm_error *err)
{
	uint32_t space = space_of(m);

	switch ((enum trace_op)e->op) {
	case TRACE_ACCESS:
		return kind_counts(m->opt.kind, e->access) ? access_pages(m, e, err) : MM_OK;
	case TRACE_ASID:
		m->asid = (uint16_t)e->n;
		return MM_OK;
	case TRACE_VM:
		m->vmid = (uint16_t)e->n;
		return MM_OK;
	case TRACE_CPU:
	case TRACE_THREAD:
		if (e->n != 0)
			return mm_error_set(err, MM_EINVAL,
					    "%s:%" PRIu64 ": the trace switches to %s %u: mrc models one CPU's TLB",
					    source, e->line, e->op == TRACE_CPU ? "cpu" : "thread", e->n);
		return MM_OK;
	case TRACE_FLUSH:
		flush(m, e);
		return MM_OK;
	case TRACE_STATS_RESET:
		stats_reset(m);
		return MM_OK;
	case TRACE_MAP:
	case TRACE_UNMAP:
	case TRACE_PROTECT:
	case TRACE_MUNMAP:
		drop_range(m, e->va, e->len, false, space);
		return MM_OK;
	case TRACE_FORK: /* the parent's pages become copy-on-write: its writable entries go */
		invalidate(m, &(struct drop){ .space = space, .all_pages = true });
		return MM_OK;
	case TRACE_EXIT:
		invalidate(m, &(struct drop){ .space = tlb_space(m->vmid, (uint16_t)e->n), .all_pages = true });
		return MM_OK;
	case TRACE_GFLUSH:
		if (e->n == GFLUSH_ALL_VMS)
			full_flush(m);
		else
			invalidate(m, &(struct drop){ .space = space, .whole_vm = true });
		return MM_OK;
	case TRACE_GUNMAP:
	case TRACE_GPROTECT:
		invalidate(m, &(struct drop){ .space = space, .whole_vm = true });
		return MM_OK;
	case TRACE_GMAP:
	case TRACE_PRIV:
	case TRACE_MMAP:
		return MM_OK;
	case TRACE_POKE:
	case TRACE_SET_PTE:
	case TRACE_PTE_FIELD:
		return MM_OK; /* written behind the TLB's back: nothing is dropped (sim/pte_edit.h) */
	}
	return MM_OK;
}

int mrc_events(struct mrc *m, const struct trace_event *ev, size_t n, const char *source, struct mm_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int rc = one_event(m, &ev[i], source, err);
		if (rc)
			return rc;
	}
	return MM_OK;
}

/* An access that faults: every TLB missed it, and none holds anything new. */
static void fault_miss(struct mrc *m)
{
	m->accesses++;
	m->beyond++;
	for (unsigned i = 0; i < m->opt.nr_sets; i++)
		m->curves[i].cold++;
}

int mrc_events_mapped(struct mrc *m, struct replay *r, const struct trace_event *ev, size_t n, const char *source,
		      struct mm_error *err)
{
	const uint64_t base = r->m->cfg.pc.base_page_size, last_va = va_space_last(r->m->cfg.arch->address_bits);
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct trace_event *e = &ev[i];
		if (e->op != TRACE_ACCESS) {
			if ((rc = replay_events(r, e, 1, err)))
				return rc;
			/* As the replay's TLBs (mmu_switch_asid): the outgoing space's pages go. */
			if (e->op == TRACE_ASID && e->n != m->asid && r->m->cfg.arch->asid_switch_flushes)
				invalidate(m, &(struct drop){ .space = space_of(m), .all_pages = true });
			if ((rc = one_event(m, e, source, err)))
				return rc;
			continue;
		}
		/* One translation per base page touched, as replay_events does: past the VA space's top at VA 0. */
		uint64_t va = e->va, left = access_bytes(e);
		do {
			struct mmu_result res;
			if ((rc = replay_translate(r, va, (enum access_kind)e->access, &res, err))) {
				mm_error_prefix(err, "%s:%" PRIu64, source, e->line);
				return rc;
			}
			/* A VA outside the address space is refused before any TLB lookup (mmu.c): no access of a TLB. */
			if (kind_counts(m->opt.kind, e->access) && (res.ok || res.fault.kind != FAULT_NON_CANONICAL)) {
				if (!res.ok) {
					fault_miss(m);
				} else {
					unsigned shift = res.page_shift;
					uint64_t page = (va >> shift) | (uint64_t)shift << MRC_SHIFT_BIT;
					uint32_t space = mmu_translation_global(&r->mmu, va, (enum access_kind)e->access)
								 ? global_space(m->vmid)
								 : space_of(m);
					if ((rc = translate(m, (struct page_key){ page, space }, err)))
						return rc;
				}
			}
		} while (access_next_page(&va, &left, base, last_va));
	}
	return MM_OK;
}

uint64_t mrc_accesses(const struct mrc *m)
{
	return m->accesses;
}

void mrc_curve(const struct mrc *m, uint64_t *misses)
{
	unsigned max = m->opt.max_entries;

	misses[max] = m->beyond;
	for (unsigned n = max; n > 1; n--)
		misses[n - 1] = misses[n] + m->hist[n];
	misses[0] = m->accesses;
}

uint64_t mrc_misses(const struct mrc *m, unsigned entries)
{
	uint64_t misses = m->beyond;

	if (entries < 1 || entries > m->opt.max_entries)
		return 0;
	for (unsigned d = entries + 1; d <= m->opt.max_entries; d++)
		misses += m->hist[d];
	return misses;
}

uint64_t mrc_set_misses(const struct mrc *m, unsigned set_idx, unsigned ways)
{
	const struct set_curve *c;
	uint64_t misses;

	if (set_idx >= m->opt.nr_sets)
		return 0;
	c = &m->curves[set_idx];
	if (ways < 1 || ways > c->ways)
		return 0;
	misses = c->cold;
	for (unsigned d = ways + 1; d <= c->ways; d++)
		misses += c->hist[d];
	return misses;
}

uint64_t mrc_partial_invalidations(const struct mrc *m)
{
	return m->partial;
}
