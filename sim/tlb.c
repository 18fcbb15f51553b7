/*
 * tlb: a set-associative translation cache for TLBs and paging-structure
 * caches (see tlb.h).
 *
 * Layout.  All entries live in one flat, set-major array: way w of set s is
 * entries[s * ways + w].  Every size a cache holds shares the same sets; an
 * entry of size 2^shift for address va sits in set (va >> shift) & set_mask
 * with tag va >> shift (the full value, so two regions never alias).
 *
 * Search.  Beside the entries runs a set-major array of 31-bit fingerprints
 * of the tags, all that a search of a set reads until something matches:
 *
 *   fps[s * stride + w] == fingerprint(entries[s * ways + w].tag)   if valid
 *   fps[s * stride + w] == FP_NONE                    if invalid, or w >= ways
 *
 * (stride = ways rounded up to 4, so a set's fingerprints load as whole
 * 16-byte vectors; FP_NONE has bit 31 set, which no fingerprint has, so free
 * ways and padding never match.)  A search compares the whole set at once,
 * four ways per SSE2 compare with no branch per way, then confirms each
 * candidate on the entry itself: valid, tag, shift, and its ASID or global.
 * A fingerprint collision only costs a look at one more entry.
 *
 * Lookup.  Searching is branch-free but a chain of dependent steps (load,
 * compare, mask, bit scan, entry address), and the hit's LRU stamp store
 * cannot issue before its end; measured in trace replay, that chain, not the
 * compares, was the cost.  So a lookup first tries a prediction: hints, a
 * direct-mapped table indexed by the tag's low bits (at least twice as many
 * slots as entries), hold the index of the entry where that tag was last
 * filled or found.  The hinted entry is confirmed like any candidate; only
 * when it does not serve does the lookup search the set.  Hints are never
 * trusted and never need invalidating: a stale one just fails to confirm.
 * Sizes are tried smallest first, each completely (hint, then search) before
 * the next, so a hint never changes which size answers.
 *
 * Replacement within a set: an invalid way first, else the victim by policy.
 * Stamps come from one counter per cache, bumped on every fill and (LRU) on
 * every hit: LRU evicts the smallest stamp (least recently filled or hit),
 * FIFO the smallest fill stamp, RANDOM a way drawn from a xorshift64
 * generator kept in the cache and seeded from the config, so runs repeat
 * exactly.  PLRU and SRRIP keep their state beside the entries (tlb_policy.h):
 * a hit updates it through the `policy` branch only those policies take.
 *
 * Prefetched entries (tlb_entry.prefetched) count as useful at their first
 * hit and as useless if they leave unused: evicted, flushed, invalidated, or
 * overwritten by another fill.
 */
#include "tlb.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sim/tlb_policy.h"
#include "sim/xorshift.h"

#define TLB_MAX_ENTRIES (1u << 20)
/* Fingerprint of an invalid way or of padding: bit 31, which real fingerprints never have. */
#define FP_NONE 0x80000000u
/* Seed for REPL_RANDOM when the config gives 0 (a xorshift state must be nonzero). */
#define RANDOM_DEFAULT_SEED 0x9e3779b97f4a7c15ull

struct tlb {
	uint32_t *fps;               /* sets * stride fingerprints, set-major (see the top) */
	uint32_t *hints;             /* hint_mask + 1 entry indices, by tag (see the top) */
	struct tlb_entry *entries;   /* sets * ways, set-major */
	uint64_t set_mask;           /* sets - 1 */
	uint64_t hint_mask;          /* slots - 1 */
	unsigned ways;
	unsigned stride;             /* ways rounded up to a multiple of 4 */
	unsigned sets;
	unsigned nr_shifts;
	uint8_t shifts[64];          /* the sizes held, ascending */
	uint8_t pieces_shift;        /* the largest page ever filled in pieces (page_shift > shift), 0: none */
	enum tlb_replacement repl;
	uint64_t clock;              /* stamp source: bumped on each fill and LRU hit */
	size_t nr_valid;             /* valid entries: an empty cache's miss needs no search */
	uint64_t rng;                /* xorshift64 state (REPL_RANDOM) */
	struct tlb_policy *policy;   /* PLRU / SRRIP state, NULL for the stamp policies */
	struct tlb_policy policy_state;
	struct tlb_stats stats;
	struct tlb_config cfg;
};

/* Fails with code and "cache 'NAME': message"; a full char[32] name may lack its terminator. */
static int cache_error(struct mm_error *err, int code, const struct tlb_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int cache_error(struct mm_error *err, int code, const struct tlb_config *cfg, const char *fmt, ...)
{
	char msg[MM_ERROR_MSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mm_error_set(err, code, "cache '%.*s': %s", (int)sizeof(cfg->name), cfg->name, msg);
}

static int check_geometry(const struct tlb_config *cfg, struct mm_error *err)
{
	if (cfg->entries == 0)
		return cache_error(err, MM_EINVAL, cfg, "entries must be at least 1");
	if (cfg->entries > TLB_MAX_ENTRIES)
		return cache_error(err, MM_EINVAL, cfg, "%u entries, more than the maximum %u", cfg->entries,
				   TLB_MAX_ENTRIES);
	if (cfg->ways == 0)
		return cache_error(err, MM_EINVAL, cfg, "ways must be at least 1");
	if (cfg->ways > cfg->entries || cfg->entries % cfg->ways)
		return cache_error(err, MM_EINVAL, cfg, "ways (%u) does not divide entries (%u)", cfg->ways,
				   cfg->entries);
	unsigned sets = cfg->entries / cfg->ways;
	if (sets & (sets - 1))
		return cache_error(err, MM_EINVAL, cfg, "entries / ways = %u sets, which is not a power of two",
				   sets);
	if (cfg->shift_mask == 0)
		return cache_error(err, MM_EINVAL, cfg, "no region size (shift_mask is empty)");
	if (cfg->replacement != REPL_LRU && cfg->replacement != REPL_FIFO &&
	    cfg->replacement != REPL_RANDOM && cfg->replacement != REPL_PLRU &&
	    cfg->replacement != REPL_SRRIP)
		return cache_error(err, MM_EINVAL, cfg, "unknown replacement policy %d",
				   (int)cfg->replacement);
	/* The tree halves the ways at every node. */
	if (cfg->replacement == REPL_PLRU && (cfg->ways & (cfg->ways - 1)))
		return cache_error(err, MM_EINVAL, cfg, "plru needs a power-of-two number of ways, not %u",
				   cfg->ways);
	return MM_OK;
}

struct tlb *tlb_create(const struct tlb_config *cfg, struct mm_error *err)
{
	struct tlb *t;
	size_t nr_fps;

	if (check_geometry(cfg, err) != MM_OK)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->cfg = *cfg;
	t->ways = cfg->ways;
	t->stride = (cfg->ways + 3) & ~3u;
	t->sets = cfg->entries / cfg->ways;
	t->set_mask = t->sets - 1;
	t->repl = cfg->replacement;
	t->rng = cfg->seed ? cfg->seed : RANDOM_DEFAULT_SEED;
	for (unsigned s = 0; s < 64; s++)
		if (cfg->shift_mask & (1ull << s))
			t->shifts[t->nr_shifts++] = (uint8_t)s;
	t->hint_mask = 63;
	while (t->hint_mask < 2ull * cfg->entries - 1)
		t->hint_mask = t->hint_mask * 2 + 1;
	t->entries = calloc(cfg->entries, sizeof(*t->entries));
	/* All hints start at entry 0; like any hint, they are confirmed before use. */
	t->hints = calloc(t->hint_mask + 1, sizeof(*t->hints));
	nr_fps = (size_t)t->sets * t->stride; /* a multiple of 4: whole 16-byte vectors */
	t->fps = aligned_alloc(16, nr_fps * sizeof(*t->fps));
	if (!t->entries || !t->hints || !t->fps)
		goto nomem;
	if (tlb_policy_has_state(cfg->replacement)) {
		if (tlb_policy_init(&t->policy_state, cfg->replacement, t->sets, t->ways) != MM_OK)
			goto nomem;
		t->policy = &t->policy_state;
	}
	for (size_t i = 0; i < nr_fps; i++)
		t->fps[i] = FP_NONE;
	return t;
nomem:
	tlb_destroy(t);
	cache_error(err, MM_ENOMEM, cfg, "out of host memory");
	return NULL;
}

void tlb_destroy(struct tlb *t)
{
	if (!t)
		return;
	free(t->fps);
	free(t->hints);
	tlb_policy_fini(&t->policy_state);
	free(t->entries);
	free(t);
}

const struct tlb_config *tlb_config(const struct tlb *t)
{
	return &t->cfg;
}

/*
 * 31 bits standing for a tag: both halves folded together, since the tags of
 * one set differ only above the set bits (kernel and user pages included).
 * Equal fingerprints are only candidates: the entry itself decides.
 */
static inline uint32_t fingerprint(uint64_t tag)
{
	return ((uint32_t)tag ^ (uint32_t)(tag >> 32)) & ~FP_NONE;
}

/*
 * Would a lookup of tag/shift by space accept e?  (Valid, same region, its
 * address space, or global in its VM: a global entry compares the VMID half only.)
 */
static inline bool entry_serves(const struct tlb_entry *e, uint64_t tag, unsigned shift,
				uint32_t space)
{
	return e->valid & (e->tag == tag) & (e->shift == shift) & (((e->space ^ space) >> (e->global * 16u)) == 0);
}

/* Bit i set: fp[i] == f, for the n (a multiple of 4, at most 64) fingerprints at fp. */
static inline uint64_t match_fps(const uint32_t *fp, unsigned n, uint32_t f)
{
	uint64_t m = 0;
#ifdef __SSE2__
	const __m128i needle = _mm_set1_epi32((int)f);
#pragma GCC unroll 4
	for (unsigned i = 0; i < n; i += 4) {
		__m128i v = _mm_load_si128((const __m128i *)(const void *)(fp + i));
		__m128i eq = _mm_cmpeq_epi32(v, needle);
		m |= (uint64_t)(unsigned)_mm_movemask_ps(_mm_castsi128_ps(eq)) << i;
	}
#else
	for (unsigned i = 0; i < n; i++)
		m |= (uint64_t)(fp[i] == f) << i;
#endif
	return m;
}

/*
 * The entry serving (tag, shift, space) among ways [g, g + n) of set, or NULL;
 * n is a multiple of 4, at most 64.
 */
static inline struct tlb_entry *probe(const struct tlb *t, size_t set, unsigned g, unsigned n,
				      uint64_t tag, unsigned shift, uint32_t space)
{
	uint64_t m = match_fps(t->fps + set * t->stride + g, n, fingerprint(tag));
	struct tlb_entry *ways = t->entries + set * t->ways + g;

	/* Usually one bit, the hit; more only on a fingerprint collision or an ASID alias. */
	for (; m; m &= m - 1) {
		struct tlb_entry *e = &ways[__builtin_ctzll(m)];
		if (entry_serves(e, tag, shift, space))
			return e;
	}
	return NULL;
}

/* The hint slot of a tag: where it was last filled or found. */
static inline uint32_t *hint_of(const struct tlb *t, uint64_t tag)
{
	return &t->hints[tag & t->hint_mask];
}

/* The entry of tag's set serving (tag, shift, space), or NULL; a find updates the hint. */
static inline __attribute__((always_inline)) struct tlb_entry *search(struct tlb *t, uint64_t tag, unsigned shift,
								      uint32_t space)
{
	const size_t set = (size_t)(tag & t->set_mask);
	struct tlb_entry *e;

	/*
	 * The common strides with n a constant, so that the compares unroll: a
	 * miss (every walk's) pays the whole search, the loop's bookkeeping was
	 * half of it.
	 */
	switch (t->stride) {
	case 4: e = probe(t, set, 0, 4, tag, shift, space); break;
	case 8: e = probe(t, set, 0, 8, tag, shift, space); break;
	case 12: e = probe(t, set, 0, 12, tag, shift, space); break;
	case 16: e = probe(t, set, 0, 16, tag, shift, space); break;
	default:
		/* Groups of up to 64 ways, one mask each; padding holds FP_NONE and never matches. */
		e = NULL;
		for (unsigned g = 0; g < t->stride && !e; g += 64) {
			unsigned n = t->stride - g < 64 ? t->stride - g : 64;
			e = probe(t, set, g, n, tag, shift, space);
		}
	}
	if (e)
		*hint_of(t, tag) = (uint32_t)(e - t->entries);
	return e;
}

/* The first hit on a prefetched entry: the prefetch was useful. */
static __attribute__((noinline)) struct tlb_entry *hit_prefetched(struct tlb *t, struct tlb_entry *e)
{
	e->prefetched = false;
	t->stats.prefetch_useful++;
	return e;
}

/* A hit's PLRU / SRRIP update, then hit_prefetched's check. */
static __attribute__((noinline)) struct tlb_entry *hit_policy(struct tlb *t, struct tlb_entry *e)
{
	tlb_policy_hit(t->policy, (size_t)(e - t->entries));
	return __builtin_expect(e->prefetched, 0) ? hit_prefetched(t, e) : e;
}

/*
 * Counts a hit on e and makes it the most recently used.  The rarer work is
 * out of line and in tail position, so that an LRU hit keeps a leaf
 * function's code: no frame, no saved registers.
 */
static inline struct tlb_entry *hit(struct tlb *t, struct tlb_entry *e, unsigned shift)
{
	t->stats.hits++;
	t->stats.hits_by_shift[shift]++;
	if (__builtin_expect(t->repl == REPL_LRU, 1)) /* every preset's */
		e->stamp = ++t->clock;
	else if (t->policy)
		return hit_policy(t, e);
	if (__builtin_expect(e->prefetched, 0))
		return hit_prefetched(t, e);
	return e;
}

/*
 * tlb_probe once the hint of the smallest size failed.  Out of line so that
 * the fast path keeps its few values in registers.
 */
static __attribute__((noinline)) struct tlb_entry *probe_slow(struct tlb *t, uint64_t va,
							     uint32_t space)
{
	/* An array of a size nothing was filled in yet (a 1G array under 4K demand paging): a miss, at once. */
	if (!t->nr_valid)
		return NULL;

	struct tlb_entry *e = search(t, va >> t->shifts[0], t->shifts[0], space);

	if (e)
		return hit(t, e, t->shifts[0]);
	for (unsigned i = 1; i < t->nr_shifts; i++) {
		const unsigned shift = t->shifts[i];
		const uint64_t tag = va >> shift;
		e = &t->entries[*hint_of(t, tag)];
		if (entry_serves(e, tag, shift, space) || (e = search(t, tag, shift, space)))
			return hit(t, e, shift);
	}
	return NULL;
}

static inline struct tlb_entry *probe_counting_hits(struct tlb *t, uint64_t va, uint32_t space)
{
	const unsigned shift = t->shifts[0];
	const uint64_t tag = va >> shift;
	struct tlb_entry *e = &t->entries[*hint_of(t, tag)];

	if (entry_serves(e, tag, shift, space))
		return hit(t, e, shift);
	return probe_slow(t, va, space);
}

struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint32_t space)
{
	struct tlb_entry *e = probe_counting_hits(t, va, space);

	if (!e)
		t->stats.misses++;
	return e;
}

struct tlb_entry *tlb_probe(struct tlb *t, uint64_t va, uint32_t space)
{
	return probe_counting_hits(t, va, space);
}

void tlb_count_miss(struct tlb *t)
{
	t->stats.misses++;
}

void tlb_recount_hit_as_miss(struct tlb *t)
{
	if (t->stats.hits) {
		t->stats.hits--;
		t->stats.misses++;
	}
}

void tlb_move_miss(struct tlb *from, struct tlb *to)
{
	if (from->stats.misses) {
		from->stats.misses--;
		to->stats.misses++;
	}
}

/*
 * The first way of the n at ways with the smallest stamp.  Selects, not
 * branches: which stamp is older is a coin toss to the predictor.
 */
static inline unsigned oldest_of(const struct tlb_entry *ways, unsigned n)
{
	unsigned victim = 0;
	uint64_t oldest = ways[0].stamp;

#pragma GCC unroll 16
	for (unsigned w = 1; w < n; w++) {
		const uint64_t s = ways[w].stamp;
		const bool older = s < oldest;
		victim = older ? w : victim;
		oldest = older ? s : oldest;
	}
	return victim;
}

/*
 * LRU and FIFO: the way to fill in the set whose first entry is ways — the
 * oldest stamp.  An invalid way's stamp is 0 (drop, calloc) and a fill's at
 * least 1, so this is also the first invalid way when there is one: one scan
 * instead of a search for a free way and then one for the victim.  The
 * common associativities with a constant count, so that the scan unrolls.
 */
static inline __attribute__((always_inline)) unsigned oldest_way(const struct tlb *t, const struct tlb_entry *ways)
{
	switch (t->ways) {
	case 4: return oldest_of(ways, 4);
	case 8: return oldest_of(ways, 8);
	case 12: return oldest_of(ways, 12);
	case 16: return oldest_of(ways, 16);
	default: return oldest_of(ways, t->ways);
	}
}

/* Way (0..ways-1) to evict from the full set whose first entry is ways (PLRU, SRRIP, random). */
static unsigned pick_victim(struct tlb *t, const struct tlb_entry *ways)
{
	if (t->policy)
		return tlb_policy_victim(t->policy, (size_t)(ways - t->entries) / t->ways);
	/* The high 32 bits scaled onto [0, ways): no division. */
	uint64_t r = xorshift64(&t->rng) >> 32;
	return (unsigned)((r * t->ways) >> 32);
}

/* The first invalid way of the set whose fingerprints start at row, or ways if it is full. */
static unsigned first_free(const struct tlb *t, const uint32_t *row)
{
	for (unsigned g = 0; g < t->stride; g += 64) {
		unsigned n = t->stride - g < 64 ? t->stride - g : 64;
		uint64_t m = match_fps(row + g, n, FP_NONE);
		if (t->ways - g < 64)
			m &= (1ull << (t->ways - g)) - 1; /* not the padding */
		if (m)
			return g + (unsigned)__builtin_ctzll(m);
	}
	return t->ways;
}

/*
 * The same translation already cached (what a lookup of va by e->space would
 * find at this size) is overwritten in place, with a fresh stamp: a fill is a
 * fill, for FIFO too.  e->tag is ignored (computed from va); a size the cache
 * does not hold is refused (nothing stored, false).
 */
static inline bool fill(struct tlb *t, uint64_t va, const struct tlb_entry *e, bool absent)
{
	/* Such an entry could never be found again. */
	if (e->shift >= 64 || !(t->cfg.shift_mask & (1ull << e->shift)))
		return false;

	const unsigned shift = e->shift;
	const uint64_t tag = va >> shift;
	const size_t set = (size_t)(tag & t->set_mask);
	struct tlb_entry *ways = t->entries + set * t->ways;
	struct tlb_entry *slot = absent ? NULL : search(t, tag, shift, e->space);
	bool evicted = false;

	if (!slot && !t->policy && t->repl != REPL_RANDOM) {
		slot = &ways[oldest_way(t, ways)];
		if (slot->valid) {
			t->stats.evictions++;
			evicted = true;
		}
	} else if (!slot) {
		unsigned way = first_free(t, t->fps + set * t->stride);
		if (way == t->ways) {
			way = pick_victim(t, ways);
			t->stats.evictions++;
			evicted = true;
		}
		slot = &ways[way];
	}
	if (e->page_shift > shift && e->page_shift > t->pieces_shift)
		t->pieces_shift = e->page_shift;
	if (slot->valid && slot->prefetched)
		t->stats.prefetch_useless++;
	t->stats.prefetches += e->prefetched;
	t->nr_valid += !slot->valid;
	if (t->policy)
		tlb_policy_fill(t->policy, (size_t)(slot - t->entries));
	*slot = *e;
	slot->tag = tag;
	slot->valid = true;
	slot->stamp = ++t->clock;
	t->fps[set * t->stride + (size_t)(slot - ways)] = fingerprint(tag);
	*hint_of(t, tag) = (uint32_t)(slot - t->entries);
	return evicted;
}

bool tlb_fill(struct tlb *t, uint64_t va, const struct tlb_entry *e)
{
	return fill(t, va, e, false);
}

bool tlb_fill_absent(struct tlb *t, uint64_t va, const struct tlb_entry *e)
{
	return fill(t, va, e, true);
}

bool tlb_holds(struct tlb *t, uint64_t va, uint32_t space)
{
	return tlb_find(t, va, space) != NULL;
}

const struct tlb_entry *tlb_find(struct tlb *t, uint64_t va, uint32_t space)
{
	for (unsigned i = 0; i < t->nr_shifts; i++) {
		const struct tlb_entry *e = search(t, va >> t->shifts[i], t->shifts[i], space);
		if (e)
			return e;
	}
	return NULL;
}

int tlb_fit_shift(const struct tlb *t, unsigned shift)
{
	uint64_t held = t->cfg.shift_mask;

	if (shift < 63)
		held &= (2ull << shift) - 1; /* bits 0..shift */
	return held ? 63 - __builtin_clzll(held) : -1;
}

static inline void drop(struct tlb *t, size_t set, unsigned way)
{
	struct tlb_entry *e = &t->entries[set * t->ways + way];

	t->stats.prefetch_useless += e->valid & e->prefetched;
	t->nr_valid -= e->valid;
	e->valid = false;
	e->stamp = 0; /* older than any fill: the stamp policies' victim scan finds it first (fill) */
	t->fps[set * t->stride + way] = FP_NONE;
}

void tlb_invalidate(struct tlb *t, struct tlb_entry *e)
{
	/* Compare as integers: should e point elsewhere, nothing happens. */
	uintptr_t p = (uintptr_t)e, lo = (uintptr_t)t->entries;
	size_t i;

	if (p < lo || p >= lo + t->cfg.entries * sizeof(*e) || (p - lo) % sizeof(*e))
		return;
	i = (p - lo) / sizeof(*e);
	drop(t, i / t->ways, (unsigned)(i % t->ways));
}

/* Everything, globals included. */
void tlb_flush_all(struct tlb *t)
{
	for (size_t set = 0; set < t->sets; set++)
		for (unsigned w = 0; w < t->ways; w++)
			drop(t, set, w);
}

void tlb_flush_vm(struct tlb *t, uint16_t vmid)
{
	for (size_t set = 0; set < t->sets; set++)
		for (unsigned w = 0; w < t->ways; w++) {
			const struct tlb_entry *e = &t->entries[set * t->ways + w];
			if (e->valid && tlb_space_vmid(e->space) == vmid)
				drop(t, set, w);
		}
}

void tlb_flush_asid(struct tlb *t, uint32_t space)
{
	for (size_t set = 0; set < t->sets; set++)
		for (unsigned w = 0; w < t->ways; w++) {
			const struct tlb_entry *e = &t->entries[set * t->ways + w];
			if (e->valid && !e->global && e->space == space)
				drop(t, set, w);
		}
}

/* Does flush_range(..., sel, space) apply to e, the address aside?  Never to another VM's. */
static inline bool flush_selects(const struct tlb_entry *e, enum tlb_select sel, uint32_t space)
{
	if (!e->valid || tlb_space_vmid(e->space) != tlb_space_vmid(space))
		return false;
	if (e->global)
		return sel != TLB_SELECT_ASID;
	return sel == TLB_SELECT_ALL || e->space == space;
}

/* Drops the entries of one set that flush_range selects and whose region meets [first, last]. */
static void flush_set(struct tlb *t, size_t set, uint64_t first, uint64_t last, enum tlb_select sel,
		      uint32_t space)
{
	for (unsigned w = 0; w < t->ways; w++) {
		const struct tlb_entry *e = &t->entries[set * t->ways + w];
		/*
		 * The page [page << ps, +2^ps) meets [first, last] iff its number lies
		 * between first's and last's (inclusive bounds: nothing overflows);
		 * a piece of a larger page goes with its page.
		 */
		unsigned ps = e->page_shift > e->shift ? e->page_shift : e->shift;
		uint64_t page = e->tag >> (ps - e->shift);

		if (flush_selects(e, sel, space) && page >= first >> ps && page <= last >> ps)
			drop(t, set, w);
	}
}

void tlb_flush_range(struct tlb *t, uint64_t va, uint64_t len, enum tlb_select sel, uint32_t space)
{
	if (len == 0)
		return;
	/* The last byte, clamped when va + len runs past the top of the 64-bit space. */
	const uint64_t last = len - 1 > UINT64_MAX - va ? UINT64_MAX : va + (len - 1);
	/* Pieces of a larger page may sit at any tag of that page: visit them all. */
	const uint64_t piece_mask = t->pieces_shift ? (1ull << t->pieces_shift) - 1 : 0;
	const uint64_t vfirst = va & ~piece_mask, vlast = last | piece_mask;

	/*
	 * A small range has few tags per size, in few sets: visit just those.
	 * Once that adds up to as many sets as the cache has, one pass over
	 * every set is cheaper.
	 */
	uint64_t visits = 0;
	for (unsigned i = 0; i < t->nr_shifts; i++) {
		uint64_t span = (vlast >> t->shifts[i]) - (vfirst >> t->shifts[i]); /* tags - 1 */
		visits += span >= t->set_mask ? t->sets : span + 1;
	}
	if (visits >= t->sets) {
		for (size_t set = 0; set < t->sets; set++)
			flush_set(t, set, va, last, sel, space);
		return;
	}
	for (unsigned i = 0; i < t->nr_shifts; i++) {
		const unsigned shift = t->shifts[i];
		for (uint64_t tag = vfirst >> shift;; tag++) {
			flush_set(t, (size_t)(tag & t->set_mask), va, last, sel, space);
			if (tag == vlast >> shift)
				break;
		}
	}
}

void tlb_drop_page(struct tlb *t, uint64_t va, uint32_t space)
{
	struct tlb_entry *e;

	if (!t->nr_valid)
		return;
	/* Pieces of a larger page may sit at other tags: flush_range visits them. */
	if (t->pieces_shift) {
		tlb_flush_range(t, va, 1, TLB_SELECT_ASID_GLOBAL, space);
		return;
	}
	for (unsigned i = 0; i < t->nr_shifts; i++)
		while ((e = search(t, va >> t->shifts[i], t->shifts[i], space)) != NULL)
			tlb_invalidate(t, e);
}

const struct tlb_stats *tlb_stats(const struct tlb *t)
{
	return &t->stats;
}

void tlb_stats_reset(struct tlb *t)
{
	memset(&t->stats, 0, sizeof(t->stats));
}

unsigned tlb_occupancy(const struct tlb *t)
{
	unsigned n = 0;

	for (size_t i = 0; i < t->cfg.entries; i++)
		n += t->entries[i].valid;
	return n;
}

int tlb_for_each(const struct tlb *t, int (*fn)(void *arg, const struct tlb_entry *e), void *arg)
{
	for (size_t i = 0; i < (size_t)t->sets * t->ways; i++) {
		int rc;
		if (t->entries[i].valid && (rc = fn(arg, &t->entries[i])))
			return rc;
	}
	return MM_OK;
}
