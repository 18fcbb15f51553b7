/* os: the OS layer's faults, regions, evictions and statistics (see os.h). */
#include "os.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "os/region.h"
#include "os/replacement.h"
#include "os/resident.h"
#include "os/swap.h"
#include "os/key_map.h"
#include "pt/page_table.h"
#include "sim/machine.h"
#include "sim/mmu.h"
#include "sim/physmem.h"

struct os {
	struct machine *m;
	struct mmu *mmu;
	struct os_options opt;
	struct region_set regions;
	uint8_t *declared;          /* bit per ASID: it declared a region (touches outside them segfault) */
	struct resident rs;
	struct replacement rp;
	struct swap swap;
	uint64_t *free_frames;      /* data frames given back, reused before new ones */
	size_t nr_free, cap_free;
	/*
	 * Swap slot -> frame slot + 1 (0: none): the resident frame that holds a
	 * swap slot's contents, Linux's swap cache.  When two address spaces name
	 * one swap slot (a frame they shared went out once), the first to fault
	 * brings it in and the second finds it here and maps the same frame.
	 */
	struct key_map swap_cache;
	struct key_map first_use;   /* opt: page key -> its first reference (a child's pages after fork) */
	uint64_t loads;             /* pages brought in so far: fifo's stamp */
	uint64_t accesses;          /* accesses noted so far: lru's stamp, opt's index */
	/* opt: the page key of every access (while read), then the index of each one's next reference. */
	uint64_t *future;
	size_t future_len, future_cap;
	bool future_done;
	/*
	 * Where the future's reader has reached: its CPU and each CPU's ASID, as
	 * the replay will have them (each CPU keeps its own), started from the
	 * MMU's when reading begins.
	 */
	bool future_started;
	unsigned future_cpu;
	uint16_t future_asid[MMU_MAX_CPUS];
	uint32_t objects;           /* shared regions mapped so far: the next one's object */
	struct paging_stats stats;
};

static uint64_t page_size(const struct os *os)
{
	return os->m->cfg.pc.base_page_size;
}

/* Each page mapping slot s's frame, in turn (the reverse map). */
#define for_each_sharer(os, s, p) \
	for (struct os_page *p = resident_first_sharer(&(os)->rs, (s)); p; \
	     p = p->next_sharer == SIZE_MAX ? NULL : &(os)->rs.pages[p->next_sharer])

/*
 * The A bits of the PTEs mapping slot s's frame, cleared: every sharer's, as
 * Linux's page_referenced reads each mapping's.  With the flush (the default),
 * the cleared pages' cached translations go too.
 */
static bool clock_referenced(void *arg, size_t s)
{
	struct os *os = arg;
	bool any = false;

	for_each_sharer(os, s, p) {
		struct page_table *pt;
		uint64_t va = p->vpn * page_size(os);
		if (machine_space(os->m, p->asid, &pt, NULL) || !pt_test_and_clear_accessed(pt, va))
			continue;
		any = true;
		if (!os->opt.no_clock_flush)
			mmu_shootdown(os->mmu, va, page_size(os), false, p->asid);
	}
	return any;
}

int os_create(struct machine *m, struct mmu *mmu, const struct os_options *opt, struct os **out,
	      struct mm_error *err)
{
	const struct replacement_ops *ops = replacement_find(opt->replacement ? opt->replacement : "fifo");
	struct os *os;

	*out = NULL;
	if (!ops)
		return mm_error_set(err, MM_EINVAL, "unknown replacement policy '%s' (expected " REPLACEMENT_NAMES ")",
				    opt->replacement);
	if (!m->pm)
		return mm_error_set(err, MM_EINVAL, "the OS layer needs simulated memory, not an image");
	os = calloc(1, sizeof(*os));
	if (os)
		os->declared = calloc((UINT16_MAX + 1) / 8, 1);
	if (!os || !os->declared) {
		free(os);
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	}
	os->m = m;
	os->mmu = mmu;
	os->opt = *opt;
	os->rp = (struct replacement){ .ops = ops, .rng = opt->seed ? opt->seed : 1,
				       .referenced = clock_referenced, .arg = os };
	os->rs.order.key = ops->key;
	*out = os;
	return MM_OK;
}

void os_destroy(struct os *os)
{
	if (!os)
		return;
	region_set_fini(&os->regions);
	resident_fini(&os->rs);
	swap_fini(&os->swap);
	free(os->declared);
	free(os->free_frames);
	key_map_fini(&os->swap_cache);
	key_map_fini(&os->first_use);
	free(os->future);
	free(os);
}

static bool declared(const struct os *os, uint16_t asid)
{
	return os->declared[asid / 8] & (1u << (asid % 8));
}

static void free_frame(struct os *os, uint64_t pa)
{
	if (os->nr_free == os->cap_free) {
		size_t cap = os->cap_free ? 2 * os->cap_free : 16;
		uint64_t *f = realloc(os->free_frames, cap * sizeof(*f));
		if (!f)
			return; /* the frame is lost to the OS, never reused: harmless */
		os->free_frames = f;
		os->cap_free = cap;
	}
	os->free_frames[os->nr_free++] = pa;
}

/* Slot s lost its last page: its frame is free, and no longer what its swap slot's faults find. */
static void release_frame(struct os *os, size_t s)
{
	struct frame_slot *f = &os->rs.slots[s];

	if (f->swap_cached)
		key_map_put(&os->swap_cache, f->swap_slot, 0); /* the key exists: no memory needed */
	f->swap_cached = false;
	free_frame(os, f->pa);
}

/* The slot whose frame holds swap slot sw's contents, or SIZE_MAX. */
static size_t swap_cached_slot(const struct os *os, uint64_t sw)
{
	uint64_t v;

	return key_map_get(&os->swap_cache, sw, &v) && v ? (size_t)(v - 1) : SIZE_MAX;
}

static int alloc_frame(struct os *os, uint64_t *pa, struct mm_error *err)
{
	if (os->nr_free) {
		*pa = os->free_frames[--os->nr_free];
		return MM_OK;
	}
	return physmem_alloc_data(os->m->pm, page_size(os), page_size(os), pa, err);
}

/*
 * Where munmap and exit may free the tables they empty: a table whose span
 * lies in [floor, ceiling] (Linux's free_pgd_range stops at the neighbouring
 * regions: their tables stay, holding swap entries or not).
 */
struct free_span {
	uint64_t floor, ceiling;
};

static const struct free_span anywhere = { 0, UINT64_MAX };

/*
 * Unmaps resident page p's PTE (not present, TLB and PWC entries shot down);
 * returns the flags the PTE had (0 when it was gone), D among them.  An
 * eviction keeps the tables (free NULL: Linux's PTE then holds the swap
 * entry); munmap and exit free those they empty within free.
 */
static uint32_t unmap_pte(struct os *os, const struct os_page *p, const struct free_span *free)
{
	struct page_table *pt;
	struct pt_mapping mp;
	uint64_t va = p->vpn * page_size(os);
	uint32_t flags = 0;

	if (machine_space(os->m, p->asid, &pt, NULL) == MM_OK) {
		if (pt_query(pt, va, &mp))
			flags = mp.prop.flags;
		/* A base page in a table that holds it: unmap cannot need memory, nor fail. */
		pt_unmap_keep_tables(pt, va, page_size(os), NULL);
		/* The tables freed hold va: its shootdown drops their PWC entries. */
		if (free)
			pt_prune(pt, va, page_size(os), free->floor, free->ceiling, NULL);
		mmu_shootdown(os->mmu, va, page_size(os), false, p->asid);
	}
	return flags;
}

/*
 * Evicts slot s's frame: every page mapping it is unmapped (the reverse map),
 * and the frame goes out once.  Dirty when any mapping's D bit is set: it is
 * written to swap (to the slot it came from, which names the same contents
 * for every holder), and each sharer names that slot.  Clean, a swap copy the
 * sharers have stays valid; without one they are dropped (never written: the
 * next touch gets a fresh zeroed page).
 */
static int evict(struct os *os, size_t s, struct mm_error *err)
{
	struct frame_slot *f = &os->rs.slots[s];
	const struct os_page *first = resident_first_sharer(&os->rs, s);
	bool dirty = false, had_swap = first->has_swap;
	uint64_t sw = first->swap_slot;

	for_each_sharer(os, s, p)
		dirty |= (unmap_pte(os, p, NULL) & PROP_D) != 0;
	if (dirty && !had_swap && !swap_alloc(&os->swap, (uint32_t)f->nr_sharers, &sw))
		return mm_error_set(err, MM_ENOMEM, "out of host memory for the swap area");
	os->stats.evictions++;
	if (dirty)
		os->stats.swap_outs++;
	for (bool last = false; !last;) {
		struct os_page *p = resident_first_sharer(&os->rs, s);
		last = resident_vacate(&os->rs, p);
		p->state = dirty || had_swap ? PAGE_SWAPPED : PAGE_ABSENT;
		p->has_swap = dirty || had_swap;
		p->swap_slot = sw;
	}
	release_frame(os, s);
	return MM_OK;
}

/* A frame slot for a page coming in: free, or the victim's the policy picks at the limit. */
static int take_slot(struct os *os, size_t *s, struct mm_error *err)
{
	if (os->opt.resident_pages && os->rs.nr_used >= os->opt.resident_pages) {
		*s = os->rp.ops->victim(&os->rp, &os->rs);
		return evict(os, *s, err);
	}
	if ((*s = resident_free_slot(&os->rs)) == SIZE_MAX)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	return MM_OK;
}

/* Slot s's nearest next reference: its sharers' nearest (opt). */
static uint64_t slot_next_use(struct os *os, size_t s)
{
	uint64_t next = UINT64_MAX;

	for_each_sharer(os, s, p)
		if (p->next_use < next)
			next = p->next_use;
	return next;
}

/* The properties of a page of asid at va: its region's, or demand paging's (rwx user) without regions. */
static struct page_prop page_prop_at(const struct os *os, const struct region *r)
{
	struct page_prop prop = r ? r->prop : (struct page_prop){ PROP_R | PROP_W | PROP_X | PROP_U, CACHE_WB };

	/* A is set, as with demand paging: the access that faulted touches the page; D where the hardware would not set it. */
	prop.flags |= PROP_A;
	if (!pt_arch_hw_sets_dirty(os->m->cfg.arch, &os->m->cfg.cpu))
		prop.flags |= PROP_D;
	return prop;
}

static uint64_t next_use(const struct os *os, uint64_t idx)
{
	return idx < os->future_len ? os->future[idx] : UINT64_MAX;
}

/*
 * A first touch of a page of a shared region: the region's pages are one
 * memory object for every address space a fork gave it to, so the page may
 * already be in a frame (*join gets its slot) or in swap (p takes its slot,
 * one reference more) through another of them.
 */
static void adopt_shared(struct os *os, const struct region *r, struct os_page *p, size_t *join)
{
	const uint64_t va = p->vpn * page_size(os);

	/* Each other address space's region holding va, if any: a search per address space, not a scan of every region. */
	for (const struct region *s = region_next_space(&os->regions, NULL); s; s = region_next_space(&os->regions, s)) {
		const struct region *o = region_find(&os->regions, s->asid, va);
		const struct os_page *q;
		if (!o || o->object != r->object || o->asid == p->asid ||
		    !(q = resident_lookup(&os->rs, o->asid, p->vpn)) || q->state == PAGE_ABSENT)
			continue;
		if (q->has_swap) {
			p->has_swap = true;
			p->swap_slot = q->swap_slot;
			swap_get(&os->swap, q->swap_slot);
		}
		if (q->state == PAGE_RESIDENT)
			*join = q->slot;
		else
			p->state = PAGE_SWAPPED;
		return;
	}
}

int os_page_fault(struct os *os, uint16_t asid, uint64_t va, enum os_verdict *out, struct mm_error *err)
{
	const struct region *r = region_find(&os->regions, asid, va);
	uint64_t vpn = va / page_size(os), pa;
	struct page_table *pt;
	struct os_page *p;
	size_t s;
	int rc;

	if (os_needs_future(os))
		return mm_error_set(err, MM_EINVAL, "replacement opt needs the future: the trace must be read first");
	if (!r && declared(os, asid)) {
		os->stats.segfaults++;
		*out = OS_SEGV;
		return MM_OK;
	}
	if ((rc = machine_space(os->m, asid, &pt, err)))
		return rc;
	if (!(p = resident_page(&os->rs, asid, vpn)))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	const size_t me = (size_t)(p - os->rs.pages);
	size_t join = SIZE_MAX;
	if (p->state == PAGE_ABSENT && r && r->shared)
		adopt_shared(os, r, p, &join);
	const bool swapped = p->state == PAGE_SWAPPED;
	struct page_prop prop = page_prop_at(os, r);
	/*
	 * A private writable page whose swap slot other pages name too (a frame
	 * fork shared went out once) comes back read-only and copy-on-write, as
	 * it left: Linux maps a swapped-in page writable only when it is exclusive.
	 */
	const bool cow = swapped && (prop.flags & PROP_W) && !(r && r->shared) &&
			 swap_refs(&os->swap, p->swap_slot) > 1;
	if (cow)
		prop.flags &= ~(uint32_t)PROP_W;
	os->stats.page_faults++;
	if (join != SIZE_MAX || (swapped && (join = swap_cached_slot(os, p->swap_slot)) != SIZE_MAX)) {
		/* Another holder of the page has it in a frame: a minor fault maps the same frame. */
		s = join;
		if ((rc = pt_map(pt, vpn * page_size(os), os->rs.slots[s].pa, page_size(os), &prop, err)))
			return rc;
		os->mmu->stats.demand_paged++;
		resident_occupy(&os->rs, s, p);
	} else {
		if ((rc = take_slot(os, &s, err)) || (rc = alloc_frame(os, &pa, err)))
			return rc;
		p = &os->rs.pages[me];
		if ((rc = pt_map(pt, vpn * page_size(os), pa, page_size(os), &prop, err))) {
			free_frame(os, pa);
			return rc;
		}
		if (swapped) {
			os->stats.major_faults++;
			os->stats.swap_ins++;
		} else {
			os->mmu->stats.demand_paged++;
		}
		resident_occupy(&os->rs, s, p);
		os->rs.slots[s].pa = pa;
		os->rs.slots[s].loaded = ++os->loads;
		os->rs.slots[s].next_use = UINT64_MAX;
		if (swapped) {
			if (!key_map_put(&os->swap_cache, p->swap_slot, s + 1))
				return mm_error_set(err, MM_ENOMEM, "out of host memory");
			os->rs.slots[s].swap_cached = true;
			os->rs.slots[s].swap_slot = p->swap_slot;
		}
	}
	p->cow = cow;
	p->next_use = next_use(os, os->accesses);
	os->rs.slots[s].last_use = os->accesses;
	if (p->next_use < os->rs.slots[s].next_use)
		os->rs.slots[s].next_use = p->next_use;
	resident_restamp(&os->rs, s);
	*out = OS_RETRY;
	return MM_OK;
}

bool os_tracks_use(const struct os *os)
{
	return os->rp.ops->tracks_use;
}

void os_note_access(struct os *os, uint16_t asid, uint64_t va)
{
	uint64_t idx = os->accesses++;
	struct os_page *p = resident_lookup(&os->rs, asid, va / page_size(os));

	if (p && p->state == PAGE_RESIDENT) {
		struct frame_slot *f = &os->rs.slots[p->slot];
		f->last_use = idx + 1;
		p->next_use = next_use(os, idx);
		f->next_use = f->nr_sharers == 1 ? p->next_use : slot_next_use(os, p->slot);
		resident_restamp(&os->rs, p->slot);
	}
}

int os_mmap(struct os *os, uint16_t asid, uint64_t va, uint64_t len, const struct page_prop *prop, bool shared,
	    struct mm_error *err)
{
	uint64_t mask = page_size(os) - 1;
	struct region add = { .asid = asid, .start = va, .end = va + len, .prop = *prop, .shared = shared,
			      .object = shared ? ++os->objects : 0 };
	struct page_table *pt;
	int rc;

	if ((va | len) & mask)
		return mm_error_set(err, MM_EUNALIGNED, "mmap: VA 0x%" PRIx64 " and length 0x%" PRIx64
				    " must be multiples of the page size (0x%" PRIx64 ")", va, len, mask + 1);
	if (len == 0)
		return mm_error_set(err, MM_EINVAL, "mmap: the length is 0");
	if (va + len < va)
		return mm_error_set(err, MM_EOVERFLOW, "mmap: VA 0x%" PRIx64 " + length 0x%" PRIx64
				    " wraps around the address space", va, len);
	if (prop->flags & PROP_G)
		return mm_error_set(err, MM_EINVAL, "mmap: a region's pages belong to one address space: flag g is refused");
	if ((rc = machine_space(os->m, asid, &pt, err)))
		return rc;
	if (!pt_owns_va(pt, va) || !pt_owns_va(pt, va + len - 1))
		return mm_error_set(err, MM_ERANGE, "mmap: [0x%" PRIx64 ", 0x%" PRIx64
				    ") is not in the user range of the address space", va, va + len);
	if ((rc = region_add(&os->regions, &add, err)))
		return rc;
	os->declared[asid / 8] |= (uint8_t)(1u << (asid % 8));
	return MM_OK;
}

/*
 * A page the OS holds: a resident one gives its frame back (unmapped first
 * when the OS itself drops it), a swap copy goes.
 */
static void drop_page(struct os *os, struct os_page *p, const struct free_span *unmap)
{
	if (p->state == PAGE_RESIDENT) {
		const size_t s = p->slot;
		const bool cow = p->cow;
		const uint32_t flags = unmap ? unmap_pte(os, p, unmap) : 0;
		if (resident_vacate(&os->rs, p)) {
			/*
			 * The last mapping of a frame written through a writable
			 * one (a shared region's) while other pages name its swap
			 * slot: they must find what was written there.
			 */
			if (!cow && (flags & PROP_D) && (flags & PROP_W) && p->has_swap &&
			    swap_refs(&os->swap, p->swap_slot) > 1)
				os->stats.swap_outs++;
			release_frame(os, s);
		}
	}
	if (p->has_swap)
		swap_put(&os->swap, p->swap_slot);
	p->has_swap = false;
	p->state = PAGE_ABSENT;
}

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/*
 * Every page of asid in [first, last] (VPNs) the OS holds, in the order of
 * its records (frames go back to the free list in that order).  A range of
 * fewer pages than the OS knows looks each page up: a scan of every record
 * per `munmap` of one page made a trace of them quadratic.
 */
static void drop_pages(struct os *os, uint16_t asid, uint64_t first, uint64_t last, const struct free_span *unmap)
{
	size_t *idx = last - first < os->rs.nr_pages ? malloc((size_t)(last - first + 1) * sizeof(*idx)) : NULL;

	if (idx) {
		size_t k = 0;
		for (uint64_t v = first;; v++) {
			struct os_page *p = resident_lookup(&os->rs, asid, v);
			if (p && p->state != PAGE_ABSENT)
				idx[k++] = (size_t)(p - os->rs.pages);
			if (v == last)
				break;
		}
		qsort(idx, k, sizeof(*idx), cmp_index);
		for (size_t i = 0; i < k; i++)
			drop_page(os, &os->rs.pages[idx[i]], unmap);
		free(idx);
		return;
	}
	/* asid's records alone, in index order: a scan of every address space's per exit was quadratic. */
	for (size_t i = resident_first_of(&os->rs, asid); i != SIZE_MAX; i = os->rs.pages[i].next_of_asid) {
		struct os_page *p = &os->rs.pages[i];
		if (p->vpn >= first && p->vpn <= last && p->state != PAGE_ABSENT)
			drop_page(os, p, unmap);
	}
}

/* The span between asid's regions around va (after region_remove took the range holding it away). */
static struct free_span between_regions(const struct os *os, uint16_t asid, uint64_t va)
{
	struct free_span span = anywhere;

	region_gap(&os->regions, asid, va, &span.floor, &span.ceiling);
	return span;
}

int os_munmap(struct os *os, uint16_t asid, uint64_t va, uint64_t len, struct mm_error *err)
{
	uint64_t mask = page_size(os) - 1;
	int rc;

	if ((va | len) & mask)
		return mm_error_set(err, MM_EUNALIGNED, "munmap: VA 0x%" PRIx64 " and length 0x%" PRIx64
				    " must be multiples of the page size (0x%" PRIx64 ")", va, len, mask + 1);
	if (len == 0)
		return mm_error_set(err, MM_EINVAL, "munmap: the length is 0");
	if (va + len < va)
		return mm_error_set(err, MM_EOVERFLOW, "munmap: VA 0x%" PRIx64 " + length 0x%" PRIx64
				    " wraps around the address space", va, len);
	if ((rc = region_remove(&os->regions, asid, va, len, err)))
		return rc;
	struct free_span span = between_regions(os, asid, va);
	drop_pages(os, asid, va / page_size(os), (va + len - 1) / page_size(os), &span);
	return MM_OK;
}

void os_forget_range(struct os *os, uint16_t asid, uint64_t va, uint64_t len)
{
	if (len && va + len - 1 >= va)
		drop_pages(os, asid, va / page_size(os), (va + len - 1) / page_size(os), NULL);
}

/* The future's reader starts where the MMU is: the current CPU, each CPU's ASID. */
static void future_start(struct os *os)
{
	if (os->future_started)
		return;
	os->future_started = true;
	for (unsigned c = 0; c < os->mmu->nr_cpus; c++) {
		if (os->mmu->cpus[c])
			os->future_asid[c] = os->mmu->cpus[c]->asid;
		if (os->mmu->cpus[c] == os->mmu->cur)
			os->future_cpu = c;
	}
}

void os_future_cpu(struct os *os, unsigned cpu)
{
	future_start(os);
	/* A CPU out of range fails the replay at that line: the future need not follow it. */
	if (cpu < MMU_MAX_CPUS)
		os->future_cpu = cpu;
}

int os_future_add(struct os *os, const struct trace_event *ev, size_t n, struct mm_error *err)
{
	const uint64_t page = page_size(os), last_va = va_space_last(os->mmu->m->cfg.arch->address_bits);

	future_start(os);
	for (size_t i = 0; i < n; i++) {
		if (ev[i].op == TRACE_ASID)
			os->future_asid[os->future_cpu] = (uint16_t)ev[i].n;
		if (ev[i].op == TRACE_CPU)
			os_future_cpu(os, ev[i].n);
		if (ev[i].op != TRACE_ACCESS)
			continue;
		/*
		 * One reference per base page the access touches, as replay counts
		 * them, at the VA it translates: a tagged pointer's untagged one (TBI).
		 */
		uint64_t va = mmu_va(os->mmu, ev[i].va), left = access_bytes(&ev[i]);
		do {
			if (os->future_len == os->future_cap) {
				size_t cap = os->future_cap ? 2 * os->future_cap : 4096;
				uint64_t *f = realloc(os->future, cap * sizeof(*f));
				if (!f)
					return mm_error_set(err, MM_ENOMEM, "out of host memory for the future of opt");
				os->future = f;
				os->future_cap = cap;
			}
			os->future[os->future_len++] = page_key(os->future_asid[os->future_cpu], va / page);
		} while (access_next_page(&va, &left, page, last_va));
	}
	return MM_OK;
}

int os_future_end(struct os *os, struct mm_error *err)
{
	struct key_map later = { 0 };  /* page key -> index of its next reference */

	/* Backwards: each access's key is replaced by the index where that page comes next. */
	for (size_t i = os->future_len; i-- > 0;) {
		uint64_t key = os->future[i], next;
		if (!key_map_get(&later, key, &next))
			next = UINT64_MAX;
		if (!key_map_put(&later, key, i)) {
			key_map_fini(&later);
			return mm_error_set(err, MM_ENOMEM, "out of host memory for the future of opt");
		}
		os->future[i] = next;
	}
	/* What is left is each page's first reference: a page fork makes has had none before. */
	key_map_fini(&os->first_use);
	os->first_use = later;
	os->future_done = true;
	return MM_OK;
}

bool os_needs_future(const struct os *os)
{
	return os->rp.ops->needs_future && !os->future_done;
}

enum os_page_view os_page_view(const struct os *os, uint16_t asid, uint64_t va, uint64_t *swap_slot)
{
	const struct os_page *p = resident_lookup(&os->rs, asid, va / page_size(os));

	*swap_slot = 0;
	if (!p || p->state == PAGE_ABSENT)
		return OS_VIEW_UNKNOWN;
	if (p->state == PAGE_SWAPPED) {
		*swap_slot = p->swap_slot;
		return OS_VIEW_SWAPPED;
	}
	return p->cow ? OS_VIEW_COW : OS_VIEW_RESIDENT;
}

int os_for_each_swapped(const struct os *os, uint16_t asid, int (*fn)(void *arg, uint64_t va, uint64_t slot),
			void *arg)
{
	for (size_t i = 0; i < os->rs.nr_pages; i++) {
		const struct os_page *p = &os->rs.pages[i];
		int rc;
		if (p->asid == asid && p->state == PAGE_SWAPPED && (rc = fn(arg, p->vpn * page_size(os), p->swap_slot)))
			return rc;
	}
	return MM_OK;
}

uint64_t os_resident_pages(const struct os *os)
{
	return os->rs.nr_used;
}

const struct paging_stats *os_stats(const struct os *os)
{
	return &os->stats;
}

void os_stats_reset(struct os *os)
{
	memset(&os->stats, 0, sizeof(os->stats));
}

/* opt: when a page fork made is first referenced (its key has no earlier reference). */
static uint64_t first_use(const struct os *os, uint16_t asid, uint64_t vpn)
{
	uint64_t i;

	return key_map_get(&os->first_use, page_key(asid, vpn), &i) && i >= os->accesses ? i : UINT64_MAX;
}

/*
 * One page of the parent, given to the child.  A resident one: a private
 * writable page becomes read-only in both (copy-on-write), a read-only or
 * shared one is mapped as it is; either way the child's page joins the
 * parent's frame, one sharer more, and the frame still counts once.  A
 * swapped one: the child names the same swap slot (Linux copies the swap
 * entry and counts it), and whichever faults first brings it back.
 */
static int fork_page(struct os *os, size_t parent_idx, uint16_t child, struct page_table *ppt,
		     struct page_table *cpt, bool flush, struct mm_error *err)
{
	const uint64_t page = page_size(os);
	const struct os_page pp = os->rs.pages[parent_idx];
	const uint64_t va = pp.vpn * page;
	struct os_page *cp;
	int rc;

	if (pp.state == PAGE_SWAPPED) {
		if (!(cp = resident_page(&os->rs, child, pp.vpn)))
			return mm_error_set(err, MM_ENOMEM, "out of host memory");
		cp->state = PAGE_SWAPPED;
		cp->has_swap = true;
		cp->swap_slot = pp.swap_slot;
		swap_get(&os->swap, pp.swap_slot);
		return MM_OK;
	}
	const struct region *r = region_find(&os->regions, pp.asid, va);
	const uint64_t pa = os->rs.slots[pp.slot].pa;
	struct pt_mapping mp;

	if (!pt_query(ppt, va, &mp))
		return MM_OK; /* unmapped by hand behind the OS's back: nothing to share */
	struct page_prop prop = mp.prop;
	/* A page an earlier fork made copy-on-write is read-only already, and copy-on-write in this child too. */
	const bool cow = ((prop.flags & PROP_W) || pp.cow) && !(r && r->shared);
	if (prop.flags & PROP_W && cow) {
		prop.flags &= ~(uint32_t)PROP_W;
		os->rs.pages[parent_idx].cow = true;
		if ((rc = pt_protect(ppt, va, page, &prop, err)))
			return rc;
		if (flush)
			mmu_shootdown(os->mmu, va, page, false, pp.asid);
	}
	if (!(cp = resident_page(&os->rs, child, pp.vpn)))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	if ((rc = pt_map(cpt, va, pa, page, &prop, err)))
		return rc;
	resident_occupy(&os->rs, pp.slot, cp);
	cp->cow = cow;
	cp->has_swap = pp.has_swap;
	cp->swap_slot = pp.swap_slot;
	if (pp.has_swap)
		swap_get(&os->swap, pp.swap_slot);
	cp->next_use = first_use(os, child, pp.vpn);
	if (cp->next_use < os->rs.slots[pp.slot].next_use)
		os->rs.slots[pp.slot].next_use = cp->next_use;
	resident_restamp(&os->rs, pp.slot);
	return MM_OK;
}

int os_fork(struct os *os, uint16_t parent, uint16_t child, bool flush, struct mm_error *err)
{
	struct page_table *ppt, *cpt;
	int rc;

	if (os->m->by_asid[child])
		return mm_error_set(err, MM_EINVAL, "fork: asid %u is in use (a child needs a fresh address space; "
				    "an exited one is not reused)", child);
	if ((rc = machine_space(os->m, parent, &ppt, err)) || (rc = machine_space(os->m, child, &cpt, err)))
		return rc;
	if ((rc = region_copy(&os->regions, parent, child, err)))
		return rc;
	if (declared(os, parent))
		os->declared[child / 8] |= (uint8_t)(1u << (child % 8));
	/* The parent's records alone, in index order: a scan of every address space's made forks quadratic. */
	for (size_t i = resident_first_of(&os->rs, parent); i != SIZE_MAX; i = os->rs.pages[i].next_of_asid) {
		if (os->rs.pages[i].state == PAGE_ABSENT)
			continue;
		if ((rc = fork_page(os, i, child, ppt, cpt, flush, err)))
			return rc;
	}
	return MM_OK;
}

int os_adopt(struct os *os, uint16_t asid, uint64_t va, uint64_t pa, struct mm_error *err)
{
	struct os_page *p = resident_page(&os->rs, asid, va / page_size(os));
	size_t s;

	if (p && p->state != PAGE_ABSENT)
		return MM_OK;
	if (!p || (s = resident_free_slot(&os->rs)) == SIZE_MAX)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	resident_occupy(&os->rs, s, p);
	os->rs.slots[s].pa = pa;
	os->rs.slots[s].loaded = ++os->loads;
	os->rs.slots[s].last_use = os->accesses;
	os->rs.slots[s].next_use = p->next_use = UINT64_MAX;
	resident_restamp(&os->rs, s);
	return MM_OK;
}

int os_exit(struct os *os, uint16_t asid, struct mm_error *err)
{
	const struct region *r;

	if (!os->m->by_asid[asid])
		return mm_error_set(err, MM_EINVAL, "exit: asid %u has no address space", asid);
	drop_pages(os, asid, 0, UINT64_MAX, &anywhere);
	while ((r = region_first(&os->regions, asid)))
		region_remove(&os->regions, asid, r->start, r->end - r->start, NULL);
	/* A process that exited has no memory: a later touch is outside every region (a segfault). */
	os->declared[asid / 8] |= (uint8_t)(1u << (asid % 8));
	return MM_OK;
}

/*
 * Whether page p (copy-on-write) is the only holder of its contents: no other
 * page maps its frame, nor names the swap slot the frame came from (a holder
 * still in swap would find the frame through the swap cache).
 */
static bool cow_exclusive(const struct os *os, const struct os_page *p)
{
	return p->has_swap ? swap_refs(&os->swap, p->swap_slot) == 1 : os->rs.slots[p->slot].nr_sharers == 1;
}

int os_write_fault(struct os *os, uint16_t asid, uint64_t va, bool *handled, struct mm_error *err)
{
	const uint64_t page = page_size(os);
	struct os_page *p = resident_lookup(&os->rs, asid, va / page);
	struct page_table *pt;
	struct pt_mapping mp;
	uint64_t copy;
	size_t s;
	int rc;

	*handled = false;
	if (!p || p->state != PAGE_RESIDENT || !p->cow)
		return MM_OK; /* not a page fork made read-only: a real permission fault */
	if (machine_space(os->m, asid, &pt, NULL) || !pt_query(pt, va, &mp) || (mp.prop.flags & PROP_W))
		return MM_OK;
	va = p->vpn * page;
	struct page_prop prop = mp.prop;
	prop.flags |= PROP_W;
	if (cow_exclusive(os, p)) {
		if ((rc = pt_protect(pt, va, page, &prop, err)))
			return rc; /* the last sharer: it just regains write, as Linux does */
	} else {
		/*
		 * Leave the shared frame first, so that a victim taken for the
		 * copy's frame (under a resident limit) never has this page among
		 * its sharers.  Frames hold no data: the copy is a fresh frame, counted.
		 * The leaf stays present meanwhile and is then rewritten in place
		 * (new frame, writable), as Linux's wp_page_copy does: unmapping it
		 * first would free the tables it was alone in, and the copy could
		 * take one of their frames.
		 */
		const size_t me = (size_t)(p - os->rs.pages), old = p->slot;
		if (resident_vacate(&os->rs, p))
			release_frame(os, old);
		if (p->has_swap)
			swap_put(&os->swap, p->swap_slot);
		p->has_swap = false;
		p->state = PAGE_ABSENT;
		if (!(rc = take_slot(os, &s, err)) && !(rc = alloc_frame(os, &copy, err)) &&
		    (rc = pt_map(pt, va, copy, page, &prop, err)))
			free_frame(os, copy);
		if (rc) {
			pt_unmap(pt, va, page, NULL); /* the page is absent now (a base page: cannot fail) */
			mmu_shootdown(os->mmu, va, page, false, asid);
			return rc;
		}
		p = &os->rs.pages[me];
		resident_occupy(&os->rs, s, p);
		os->rs.slots[s].pa = copy;
		os->rs.slots[s].loaded = ++os->loads;
		os->rs.slots[s].last_use = os->accesses;
		os->rs.slots[s].next_use = p->next_use;
		resident_restamp(&os->rs, s);
		os->stats.cow_copies++;
	}
	p->cow = false;
	mmu_shootdown(os->mmu, va, page, false, asid);
	*handled = true;
	return MM_OK;
}
