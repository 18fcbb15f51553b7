/* guest_mem: guest-physical memory through a stage-2 walk (see guest_mem.h). */
#include "guest_mem.h"

#include "pt/page_prop.h"
#include "pt/pt_arch.h"
#include "sim/mmu.h"
#include "sim/physmem.h"

enum privilege guest_mem_final_priv(const struct guest_mem *g, enum privilege priv)
{
	return g->stage2->arch->stage2_checks_guest_priv ? priv : g->priv;
}

uint8_t guest_mem_allowed(const struct guest_mem *g, const struct walk_result *res)
{
	uint8_t allow = 0;

	for (unsigned p = 0; p < PRIVILEGES; p++)
		for (unsigned a = ACCESS_READ; a <= ACCESS_EXEC; a++) {
			struct walk_request req = { .access = (enum access_kind)a,
						    .priv = guest_mem_final_priv(g, (enum privilege)p) };
			struct walk_fault f;
			if (walk_check_access(g->stage2, &req, res->perms, res->leaf_pte, res->level, &f))
				allow |= (uint8_t)(1u << access_slot((enum privilege)p, (enum access_kind)a));
		}
	return allow;
}

/*
 * A nested TLB hit that allows the access (and, for a write, holds a dirty
 * leaf): the translation without reading any entry.  Anything else walks.
 */
static bool tlb_hit(struct guest_mem *g, uint64_t gpa, enum access_kind access, enum privilege priv,
		    struct walk_result *res)
{
	struct tlb_entry *e = tlb_lookup(g->tlb, gpa, tlb_space(g->vmid, 0));

	if (!e)
		return false;
	if (!(e->allow >> access_slot(priv, access) & 1) || (access == ACCESS_WRITE && !e->dirty)) {
		tlb_recount_hit_as_miss(g->tlb);
		return false;
	}
	res->ok = true;
	res->page_size = 1ull << e->shift;
	res->pa = e->pa | (gpa & (res->page_size - 1));
	res->level = e->level;
	res->perms = e->perms;
	res->leaf_pte = e->pte;
	res->set_accessed = res->set_dirty = false;
	res->nr_steps = 0;
	return true;
}

static void tlb_fill_gpa(struct guest_mem *g, uint64_t gpa, const struct walk_result *res)
{
	struct page_prop prop;
	int shift = tlb_fit_shift(g->tlb, (unsigned)__builtin_ctzll(res->page_size));
	struct tlb_entry e = {
		.pte = res->leaf_pte, .perms = res->perms, .level = (uint8_t)res->level,
		.page_shift = (uint8_t)__builtin_ctzll(res->page_size), .valid = true, .allow = guest_mem_allowed(g, res),
		.space = tlb_space(g->vmid, 0),
	};

	if (shift < 0)
		return;
	g->stage2->arch->leaf_prop(g->stage2->pc, res->leaf_pte, res->level, &prop);
	e.dirty = (prop.flags & PROP_D) != 0;
	e.shift = (uint8_t)shift;
	e.pa = res->pa & ~((1ull << shift) - 1);
	tlb_fill(g->tlb, gpa, &e);
}

/* The deepest stage-2 PWC hit for gpa: the walk starts below the levels it skips. */
static void pwc_probe(struct guest_mem *g, uint64_t gpa, struct walk_request *req)
{
	for (unsigned i = 0; i < g->nr_pwc; i++) {
		unsigned level = g->pwc_levels[i];
		struct tlb_entry *e = tlb_lookup(g->pwc[level], gpa, tlb_space(g->vmid, 0));
		if (e) {
			req->start_level = level - 1;
			req->start_table = e->pa;
			req->start_perms = e->perms;
			return;
		}
	}
}

/* Every pointer the stage-2 walk went through, into the PWC of its level. */
static void pwc_fill(struct guest_mem *g, uint64_t gpa, const struct walk_result *res)
{
	const struct walker *w = g->stage2;

	for (unsigned i = 0; i + 1 < res->nr_steps; i++) {
		const struct walk_step *s = &res->steps[i];
		struct tlb *p = g->pwc[s->level];
		if (!p)
			continue;
		struct tlb_entry e = {
			.pa = w->arch->hooks->pte_addr(w->pc, w->ctl, s->pte, s->level),
			.perms = s->perms,
			.shift = (uint8_t)pc_index_shift(w->pc, s->level),
			.level = (uint8_t)s->level,
			.space = tlb_space(g->vmid, 0),
			.valid = true,
		};
		tlb_fill(p, gpa, &e);
	}
}

static bool translate_as(struct guest_mem *g, uint64_t gpa, enum access_kind access, enum privilege priv,
			 bool entry_write, struct walk_result *res)
{
	struct walk_request req = {
		.root = g->stage2_root, .va = gpa, .access = access, .priv = priv,
		.no_ad_update = g->no_ad_update,
	};

	bool caches = g->use_tlb && !g->no_ad_update;
	bool cached = caches && g->tlb && tlb_hit(g, gpa, access, priv, res);

	if (!cached && caches && g->nr_pwc)
		pwc_probe(g, gpa, &req);
	if (!cached)
		walk(g->stage2, &req, res);
	if (!cached && caches && g->nr_pwc)
		pwc_fill(g, gpa, res);
	if (!cached && res->ok && caches && g->tlb)
		tlb_fill_gpa(g, gpa, res);
	if (g->observe)
		g->observe(g->observe_arg, gpa, entry_write, res);
	if (res->ok)
		return true;
	g->faulted = true;
	g->fault_gpa = gpa;
	g->fault_access = access;
	g->fault_entry_write = entry_write;
	g->fault = *res;
	return false;
}

bool guest_mem_translate(struct guest_mem *g, uint64_t gpa, enum access_kind access, enum privilege priv,
			 struct walk_result *res)
{
	return translate_as(g, gpa, access, guest_mem_final_priv(g, priv), access == ACCESS_WRITE, res);
}

/*
 * One access of size bytes at gpa: it must not cross a stage-2 page (a PTE
 * never does).  A guest table read is checked as stage 2 says (a write for
 * EPT with A/D and for NPT).
 */
static int access_host(struct guest_mem *g, uint64_t gpa, unsigned size, enum access_kind access, uint64_t *hpa)
{
	struct walk_result res;
	enum access_kind checked = access == ACCESS_READ && g->table_reads_write ? ACCESS_WRITE : access;

	if (!translate_as(g, gpa, checked, g->priv, access == ACCESS_WRITE, &res)) {
		g->fault_entry_size = size;
		return MM_EBUS;
	}
	if ((gpa & (res.page_size - 1)) + size > res.page_size)
		return MM_EBUS;
	*hpa = res.pa;
	return MM_OK;
}

static int guest_read(void *impl, uint64_t gpa, unsigned size, uint64_t *val)
{
	struct guest_mem *g = impl;
	uint64_t hpa;
	int rc = access_host(g, gpa, size, ACCESS_READ, &hpa);

	return rc ? rc : pt_mem_read(g->stage2->mem, hpa, size, val);
}

static int guest_write(void *impl, uint64_t gpa, unsigned size, uint64_t val)
{
	struct guest_mem *g = impl;
	uint64_t hpa;
	int rc = access_host(g, gpa, size, ACCESS_WRITE, &hpa);

	return rc ? rc : pt_mem_write(g->stage2->mem, hpa, size, val);
}

/*
 * Zeroes nr frames of guest RAM from gpa on, through stage 2, as the guest
 * OS would; where stage 2 does not map a frame yet, the host may back it
 * first (fill).
 */
static int zero_frames(struct guest_mem *g, uint64_t gpa, unsigned nr, struct mm_error *err)
{
	uint64_t frame = physmem_frame_size(g->frames);

	for (unsigned i = 0; i < nr; i++) {
		uint64_t at = gpa + i * frame, hpa;
		int rc = access_host(g, at, (unsigned)frame, ACCESS_WRITE, &hpa);

		if (rc && g->fill && g->fill(g->fill_arg, at, err) == MM_OK)
			rc = access_host(g, at, (unsigned)frame, ACCESS_WRITE, &hpa);
		if (rc)
			return mm_error_set(err, MM_EBUS,
					    "guest page-table node at GPA 0x%llx: stage 2 does not map it writable (gmap guest memory first)",
					    (unsigned long long)at);
		g->faulted = false; /* the guest OS's own write, not a walk's fault */
		for (uint64_t off = 0; off < frame; off += 8)
			if (pt_mem_write(g->stage2->mem, hpa + off, 8, 0))
				return mm_error_set(err, MM_EBUS, "guest page-table node at GPA 0x%llx: host PA 0x%llx is outside host memory",
						    (unsigned long long)at, (unsigned long long)(hpa + off));
	}
	return MM_OK;
}

static int guest_alloc_node_run(void *impl, unsigned nr, uint64_t *pa, struct mm_error *err)
{
	struct guest_mem *g = impl;
	int rc;

	if (!g->frames)
		return mm_error_set(err, MM_EINVAL, "guest-physical memory allocates no page-table nodes here");
	if ((rc = physmem_alloc_node_run(g->frames, nr, pa, err)))
		return rc;
	if ((rc = zero_frames(g, *pa, nr, err)))
		for (unsigned i = 0; i < nr; i++)
			physmem_free_node(g->frames, *pa + i * physmem_frame_size(g->frames));
	return rc;
}

static int guest_alloc_node(void *impl, uint64_t *pa, struct mm_error *err)
{
	return guest_alloc_node_run(impl, 1, pa, err);
}

static void guest_free_node(void *impl, uint64_t pa)
{
	struct guest_mem *g = impl;

	if (g->frames)
		physmem_free_node(g->frames, pa);
}

static uint64_t guest_nodes_available(const void *impl)
{
	const struct guest_mem *g = impl;

	return g->frames ? physmem_pt_mem(g->frames).ops->nodes_available(g->frames) : 0;
}

static uint64_t guest_nodes_backable(const void *impl)
{
	const struct guest_mem *g = impl;

	return g->frames ? physmem_pt_mem(g->frames).ops->nodes_backable(g->frames) : 0;
}

static const struct pt_mem_ops guest_mem_ops = {
	.read = guest_read,
	.write = guest_write,
	.alloc_node = guest_alloc_node,
	.alloc_node_run = guest_alloc_node_run,
	.free_node = guest_free_node,
	.nodes_available = guest_nodes_available,
	.nodes_backable = guest_nodes_backable,
};

struct pt_mem guest_mem_pt_mem(struct guest_mem *g)
{
	return (struct pt_mem){ .ops = &guest_mem_ops, .impl = g, .direct = NULL };
}
