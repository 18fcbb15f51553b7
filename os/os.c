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
	struct key_map frame_refs;  /* frame number -> pages mapping it, for frames fork shared (absent: 1) */
	size_t nr_free, cap_free;
	uint64_t loads;             /* pages brought in so far: fifo's stamp */
	uint64_t accesses;          /* accesses noted so far: lru's stamp, opt's index */
	/* opt: the page key of every access (while read), then the index of each one's next reference. */
	uint64_t *future;
	size_t future_len, future_cap;
	bool future_done;
	uint16_t future_asid;       /* the ASID the future's reader has reached */
	struct paging_stats stats;
};

static uint64_t page_size(const struct os *os)
{
	return os->m->cfg.pc.base_page_size;
}

/* The A bit of p's PTE, cleared; with the flush (the default), the page's cached translations go too. */
static bool clock_referenced(void *arg, const struct os_page *p)
{
	struct os *os = arg;
	struct page_table *pt;
	uint64_t va = p->vpn * page_size(os);

	if (machine_space(os->m, p->asid, &pt, NULL))
		return false;
	if (!pt_test_and_clear_accessed(pt, va))
		return false;
	if (!os->opt.no_clock_flush)
		mmu_shootdown(os->mmu, va, page_size(os), false, p->asid);
	return true;
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
	key_map_fini(&os->frame_refs);
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

static uint64_t frame_refs(const struct os *os, uint64_t pa)
{
	uint64_t n;

	return key_map_get(&os->frame_refs, pa / page_size(os), &n) && n ? n : 1;
}

/* One page fewer maps frame pa: the frame is freed when it was the last. */
static void put_frame(struct os *os, uint64_t pa)
{
	uint64_t n = frame_refs(os, pa);

	if (n > 1)
		key_map_put(&os->frame_refs, pa / page_size(os), n - 1); /* the key exists: no memory needed */
	else
		free_frame(os, pa);
}

static int alloc_frame(struct os *os, uint64_t *pa, struct mm_error *err)
{
	if (os->nr_free) {
		*pa = os->free_frames[--os->nr_free];
		return MM_OK;
	}
	return physmem_alloc_data(os->m->pm, page_size(os), page_size(os), pa, err);
}

/* Unmaps resident page p: not-present PTE, TLB and PWC entries shot down, frame freed; returns its D bit. */
static bool unmap_resident(struct os *os, struct os_page *p)
{
	struct page_table *pt;
	struct pt_mapping mp;
	uint64_t va = p->vpn * page_size(os);
	bool dirty = false;

	if (machine_space(os->m, p->asid, &pt, NULL) == MM_OK) {
		if (pt_query(pt, va, &mp))
			dirty = (mp.prop.flags & PROP_D) != 0;
		/* A base page in a table that holds it: unmap cannot need memory, nor fail. */
		pt_unmap(pt, va, page_size(os), NULL);
		mmu_shootdown(os->mmu, va, page_size(os), false, p->asid);
	}
	put_frame(os, os->rs.slots[p->slot].pa);
	resident_vacate(&os->rs, p);
	return dirty;
}

/* Evicts the page in slot s: dirty to swap, clean dropped (a swap copy it has stays valid). */
static void evict(struct os *os, size_t s)
{
	struct os_page *p = &os->rs.pages[os->rs.slots[s].page];
	bool dirty = unmap_resident(os, p);

	os->stats.evictions++;
	if (dirty || p->has_swap) {
		if (dirty) {
			if (!p->has_swap)
				p->swap_slot = swap_alloc(&os->swap);
			p->has_swap = true;
			os->stats.swap_outs++;
		}
		p->state = PAGE_SWAPPED;
	} else {
		p->state = PAGE_ABSENT; /* never written: its next touch gets a fresh zeroed page */
	}
}

/* The properties of a page of asid at va: its region's, or demand paging's (rwx user) without regions. */
static struct page_prop page_prop_at(const struct os *os, const struct region *r)
{
	struct page_prop prop = r ? r->prop : (struct page_prop){ PROP_R | PROP_W | PROP_X | PROP_U, CACHE_WB };

	/* A is set, as with demand paging: the access that faulted touches the page; Svade needs D too. */
	prop.flags |= PROP_A;
	if (os->m->cfg.cpu.ad == AD_SVADE)
		prop.flags |= PROP_D;
	return prop;
}

static uint64_t next_use(const struct os *os, uint64_t idx)
{
	return idx < os->future_len ? os->future[idx] : UINT64_MAX;
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
	if (os->opt.resident_pages && os->rs.nr_used >= os->opt.resident_pages) {
		s = os->rp.ops->victim(&os->rp, &os->rs);
		evict(os, s);
	} else if ((s = resident_free_slot(&os->rs)) == SIZE_MAX) {
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	}
	if ((rc = alloc_frame(os, &pa, err)))
		return rc;
	struct page_prop prop = page_prop_at(os, r);
	if ((rc = pt_map(pt, vpn * page_size(os), pa, page_size(os), &prop, err))) {
		free_frame(os, pa);
		return rc;
	}
	os->stats.page_faults++;
	if (p->state == PAGE_SWAPPED) {
		os->stats.major_faults++;
		os->stats.swap_ins++;
	} else {
		os->mmu->stats.demand_paged++;
	}
	resident_occupy(&os->rs, s, p);
	os->rs.slots[s].pa = pa;
	os->rs.slots[s].loaded = ++os->loads;
	os->rs.slots[s].last_use = os->accesses;
	os->rs.slots[s].next_use = next_use(os, os->accesses);
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
		os->rs.slots[p->slot].last_use = idx + 1;
		os->rs.slots[p->slot].next_use = next_use(os, idx);
	}
}

int os_mmap(struct os *os, uint16_t asid, uint64_t va, uint64_t len, const struct page_prop *prop, bool shared,
	    struct mm_error *err)
{
	uint64_t mask = page_size(os) - 1;
	struct region add = { .asid = asid, .start = va, .end = va + len, .prop = *prop, .shared = shared };
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
 * Every page of asid in [va, va+len) the OS holds: resident ones give their
 * frame back (unmapped first when the OS itself drops them), swap copies go.
 */
static void drop_pages(struct os *os, uint16_t asid, uint64_t first, uint64_t last, bool unmap)
{
	for (size_t i = 0; i < os->rs.nr_pages; i++) {
		struct os_page *p = &os->rs.pages[i];
		if (p->asid != asid || p->vpn < first || p->vpn > last || p->state == PAGE_ABSENT)
			continue;
		if (p->state == PAGE_RESIDENT) {
			if (unmap) {
				unmap_resident(os, p);
			} else {
				put_frame(os, os->rs.slots[p->slot].pa);
				resident_vacate(&os->rs, p);
			}
		}
		if (p->has_swap)
			swap_free(&os->swap, p->swap_slot);
		p->has_swap = false;
		p->state = PAGE_ABSENT;
	}
}

int os_munmap(struct os *os, uint16_t asid, uint64_t va, uint64_t len, struct mm_error *err)
{
	uint64_t mask = page_size(os) - 1;
	int rc;

	if ((va | len) & mask)
		return mm_error_set(err, MM_EUNALIGNED, "munmap: VA 0x%" PRIx64 " and length 0x%" PRIx64
				    " must be multiples of the page size (0x%" PRIx64 ")", va, len, mask + 1);
	if (len == 0 || va + len < va)
		return mm_error_set(err, MM_EINVAL, "munmap: no region in [0x%" PRIx64 ", 0x%" PRIx64 ")", va, va + len);
	if ((rc = region_remove(&os->regions, asid, va, len, err)))
		return rc;
	drop_pages(os, asid, va / page_size(os), (va + len - 1) / page_size(os), true);
	return MM_OK;
}

void os_forget_range(struct os *os, uint16_t asid, uint64_t va, uint64_t len)
{
	if (len && va + len - 1 >= va)
		drop_pages(os, asid, va / page_size(os), (va + len - 1) / page_size(os), false);
}

int os_future_add(struct os *os, const struct trace_event *ev, size_t n, struct mm_error *err)
{
	const uint64_t page = page_size(os);

	for (size_t i = 0; i < n; i++) {
		if (ev[i].op == TRACE_ASID)
			os->future_asid = (uint16_t)ev[i].n;
		if (ev[i].op != TRACE_ACCESS)
			continue;
		/* One reference per base page the access touches, as replay counts them. */
		uint64_t last = ev[i].va + (ev[i].size ? ev[i].size - 1u : 0u);
		if (last < ev[i].va)
			last = UINT64_MAX;
		for (uint64_t vpn = ev[i].va / page; vpn <= last / page; vpn++) {
			if (os->future_len == os->future_cap) {
				size_t cap = os->future_cap ? 2 * os->future_cap : 4096;
				uint64_t *f = realloc(os->future, cap * sizeof(*f));
				if (!f)
					return mm_error_set(err, MM_ENOMEM, "out of host memory for the future of opt");
				os->future = f;
				os->future_cap = cap;
			}
			os->future[os->future_len++] = page_key(os->future_asid, vpn);
			if (vpn == UINT64_MAX / page)
				break;
		}
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
	key_map_fini(&later);
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

/*
 * One page of the parent, given to the child: a private writable page becomes
 * read-only in both (copy-on-write), a read-only or shared one is mapped as
 * it is; either way the child's page names the same frame, one reference more.
 */
static int fork_page(struct os *os, size_t parent_idx, uint16_t child, struct page_table *ppt,
		     struct page_table *cpt, bool flush, struct mm_error *err)
{
	const uint64_t page = page_size(os);
	struct os_page pp = os->rs.pages[parent_idx];
	uint64_t va = pp.vpn * page, pa = os->rs.slots[pp.slot].pa;
	const struct region *r = region_find(&os->regions, pp.asid, va);
	struct pt_mapping mp;
	struct os_page *cp;
	size_t s;
	int rc;

	if (!pt_query(ppt, va, &mp))
		return MM_OK; /* unmapped by hand behind the OS's back: nothing to share */
	struct page_prop prop = mp.prop;
	const bool cow = (prop.flags & PROP_W) && !(r && r->shared);
	if (cow) {
		prop.flags &= ~(uint32_t)PROP_W;
		os->rs.pages[parent_idx].cow = true;
		if ((rc = pt_protect(ppt, va, page, &prop, err)))
			return rc;
		if (flush)
			mmu_shootdown(os->mmu, va, page, false, pp.asid);
	}
	if (!key_map_put(&os->frame_refs, pa / page, frame_refs(os, pa) + 1))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	if (!(cp = resident_page(&os->rs, child, pp.vpn)) || (s = resident_free_slot(&os->rs)) == SIZE_MAX)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	if ((rc = pt_map(cpt, va, pa, page, &prop, err)))
		return rc;
	resident_occupy(&os->rs, s, cp);
	cp->cow = cow;
	os->rs.slots[s] = os->rs.slots[os->rs.pages[parent_idx].slot];
	os->rs.slots[s].page = (size_t)(cp - os->rs.pages);
	os->rs.slots[s].used = true;
	return MM_OK;
}

int os_fork(struct os *os, uint16_t parent, uint16_t child, bool flush, struct mm_error *err)
{
	struct page_table *ppt, *cpt;
	size_t nr_regions = os->regions.nr, nr_pages = os->rs.nr_pages;
	int rc;

	if (os->opt.resident_pages)
		return mm_error_set(err, MM_EINVAL, "fork: not supported with a resident-page limit "
				    "(evicting a frame two address spaces share is not modelled yet)");
	if (os->m->by_asid[child])
		return mm_error_set(err, MM_EINVAL, "fork: asid %u is in use (a child needs a fresh address space; "
				    "an exited one is not reused)", child);
	if ((rc = machine_space(os->m, parent, &ppt, err)) || (rc = machine_space(os->m, child, &cpt, err)))
		return rc;
	for (size_t i = 0; i < nr_regions; i++) {
		struct region add = os->regions.r[i];
		if (add.asid != parent)
			continue;
		add.asid = child;
		if ((rc = region_add(&os->regions, &add, err)))
			return rc;
	}
	if (declared(os, parent))
		os->declared[child / 8] |= (uint8_t)(1u << (child % 8));
	for (size_t i = 0; i < nr_pages; i++) {
		if (os->rs.pages[i].asid != parent || os->rs.pages[i].state != PAGE_RESIDENT)
			continue;
		if ((rc = fork_page(os, i, child, ppt, cpt, flush, err)))
			return rc;
	}
	return MM_OK;
}

int os_exit(struct os *os, uint16_t asid, struct mm_error *err)
{
	const struct region *r;

	if (!os->m->by_asid[asid])
		return mm_error_set(err, MM_EINVAL, "exit: asid %u has no address space", asid);
	drop_pages(os, asid, 0, UINT64_MAX, true);
	while ((r = region_first(&os->regions, asid)))
		region_remove(&os->regions, asid, r->start, r->end - r->start, NULL);
	os->declared[asid / 8] &= (uint8_t)~(1u << (asid % 8));
	return MM_OK;
}

int os_write_fault(struct os *os, uint16_t asid, uint64_t va, bool *handled, struct mm_error *err)
{
	const uint64_t page = page_size(os);
	struct os_page *p = resident_lookup(&os->rs, asid, va / page);
	struct page_table *pt;
	struct pt_mapping mp;
	uint64_t pa, copy;
	int rc;

	*handled = false;
	if (!p || p->state != PAGE_RESIDENT || !p->cow)
		return MM_OK; /* not a page fork made read-only: a real permission fault */
	if (machine_space(os->m, asid, &pt, NULL) || !pt_query(pt, va, &mp) || (mp.prop.flags & PROP_W))
		return MM_OK;
	va = p->vpn * page;
	pa = os->rs.slots[p->slot].pa;
	struct page_prop prop = mp.prop;
	prop.flags |= PROP_W;
	if (frame_refs(os, pa) > 1) {
		/* Frames hold no data: the copy is a fresh frame, counted. */
		if ((rc = alloc_frame(os, &copy, err)))
			return rc;
		pt_unmap(pt, va, page, NULL); /* a base page: cannot fail */
		if ((rc = pt_map(pt, va, copy, page, &prop, err))) {
			free_frame(os, copy);
			return rc;
		}
		put_frame(os, pa);
		os->rs.slots[p->slot].pa = copy;
		os->stats.cow_copies++;
	} else if ((rc = pt_protect(pt, va, page, &prop, err))) {
		return rc; /* the last sharer: it just regains write, as Linux does */
	}
	p->cow = false;
	mmu_shootdown(os->mmu, va, page, false, asid);
	*handled = true;
	return MM_OK;
}
