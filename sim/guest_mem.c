/* guest_mem: guest-physical memory through a stage-2 walk (see guest_mem.h). */
#include "guest_mem.h"

bool guest_mem_translate(struct guest_mem *g, uint64_t gpa, enum access_kind access, struct walk_result *res)
{
	struct walk_request req = {
		.root = g->stage2_root, .va = gpa, .access = access, .priv = g->priv,
		.no_ad_update = g->no_ad_update,
	};

	walk(g->stage2, &req, res);
	if (g->observe)
		g->observe(g->observe_arg, gpa, access, res);
	if (res->ok)
		return true;
	g->faulted = true;
	g->fault_gpa = gpa;
	g->fault_access = access;
	g->fault = *res;
	return false;
}

/* One access of size bytes at gpa: it must not cross a stage-2 page (a PTE never does). */
static int access_host(struct guest_mem *g, uint64_t gpa, unsigned size, enum access_kind access, uint64_t *hpa)
{
	struct walk_result res;

	if (!guest_mem_translate(g, gpa, access, &res))
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

/* Guest page-table nodes are the guest OS's to allocate: not through this view (yet). */
static int guest_alloc_node(void *impl, uint64_t *pa, struct mm_error *err)
{
	(void)impl;
	(void)pa;
	return mm_error_set(err, MM_EINVAL, "guest-physical memory allocates no page-table nodes here");
}

static void guest_free_node(void *impl, uint64_t pa)
{
	(void)impl;
	(void)pa;
}

static uint64_t guest_nodes_available(const void *impl)
{
	(void)impl;
	return 0;
}

static const struct pt_mem_ops guest_mem_ops = {
	.read = guest_read,
	.write = guest_write,
	.alloc_node = guest_alloc_node,
	.free_node = guest_free_node,
	.nodes_available = guest_nodes_available,
};

struct pt_mem guest_mem_pt_mem(struct guest_mem *g)
{
	return (struct pt_mem){ .ops = &guest_mem_ops, .impl = g, .direct = NULL };
}
