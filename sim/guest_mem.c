/* guest_mem: guest-physical memory through a stage-2 walk (see guest_mem.h). */
#include "guest_mem.h"

#include "sim/physmem.h"

static bool translate_as(struct guest_mem *g, uint64_t gpa, enum access_kind access, bool entry_write,
			 struct walk_result *res)
{
	struct walk_request req = {
		.root = g->stage2_root, .va = gpa, .access = access, .priv = g->priv,
		.no_ad_update = g->no_ad_update,
	};

	walk(g->stage2, &req, res);
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

bool guest_mem_translate(struct guest_mem *g, uint64_t gpa, enum access_kind access, struct walk_result *res)
{
	return translate_as(g, gpa, access, access == ACCESS_WRITE, res);
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

	if (!translate_as(g, gpa, checked, access == ACCESS_WRITE, &res))
		return MM_EBUS;
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

static const struct pt_mem_ops guest_mem_ops = {
	.read = guest_read,
	.write = guest_write,
	.alloc_node = guest_alloc_node,
	.alloc_node_run = guest_alloc_node_run,
	.free_node = guest_free_node,
	.nodes_available = guest_nodes_available,
};

struct pt_mem guest_mem_pt_mem(struct guest_mem *g)
{
	return (struct pt_mem){ .ops = &guest_mem_ops, .impl = g, .direct = NULL };
}
