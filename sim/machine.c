/* machine: wiring of config, physical memory and page tables (see machine.h). */
#include "machine.h"

#include <stdlib.h>

#include "pt/pt_arch.h"
#include "sim/stage2_host.h"

/* The envs and the walker over m's config and memory. */
static void machine_wire(struct machine *m)
{
	const struct machine_config *cfg = &m->cfg;
	bool own_upper = cfg->kernel.upper_half && cfg->pc.half_width[1] != cfg->pc.address_width;

	pc_half(&cfg->pc, own_upper, &m->upper_pc);
	m->upper_pc.upper_half_table = cfg->kernel.upper_half;
	m->env = (struct pt_env){ .arch = cfg->arch, .pc = &cfg->pc, .ctl = &cfg->cpu, .mem = &m->mem };
	m->kernel_env = m->env;
	m->kernel_env.pc = &m->upper_pc;
	m->walker = (struct walker){ .arch = cfg->arch, .pc = &cfg->pc, .ctl = &cfg->cpu, .mem = &m->mem,
				     .upper_pc = own_upper ? &m->upper_pc : NULL };
}

int machine_create(const struct machine_config *cfg, struct machine **out, struct mm_error *err)
{
	struct machine *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	m->cfg = *cfg;
	m->pm = physmem_create(cfg->mem_base, cfg->mem_size, cfg->pc.base_page_size, err);
	if (!m->pm) {
		free(m);
		return err ? err->code : MM_EINVAL;
	}
	m->mem = physmem_pt_mem(m->pm);
	/* A guest's tables live in guest-physical memory, which stage 2 maps to the host's. */
	if (cfg->stage2.arch) {
		if ((rc = stage2_host_create(&cfg->stage2, cfg->mem_base, cfg->mem_size, m->pm, &m->host, err))) {
			machine_destroy(m);
			return rc;
		}
		m->mem = guest_mem_pt_mem(&m->host->guest);
	}
	machine_wire(m);
	m->by_asid = calloc(MACHINE_NR_ASIDS, sizeof(*m->by_asid));
	if (!m->by_asid) {
		machine_destroy(m);
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	}
	rc = pt_create(&m->kernel_env, &m->cfg.kernel, &m->kernel, err);
	if (rc == MM_OK && m->cfg.kernel.upper_half)
		m->walker.upper_root = pt_root(m->kernel);
	if (rc == MM_OK)
		rc = machine_switch(m, 0, err);
	if (rc != MM_OK) {
		machine_destroy(m);
		return rc;
	}
	*out = m;
	return MM_OK;
}

static int attach(const struct machine_config *cfg, const struct pt_mem *mem, uint64_t stage2_root, uint64_t root,
		  uint64_t upper_root, struct machine **out, struct mm_error *err)
{
	struct machine *m = calloc(1, sizeof(*m));
	int rc;

	if (!m || !(m->by_asid = calloc(MACHINE_NR_ASIDS, sizeof(*m->by_asid)))) {
		free(m);
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	}
	m->cfg = *cfg;
	m->mem = *mem;
	/* A virtual machine's image is host memory: the guest's tables are read through stage 2. */
	if (cfg->stage2.arch) {
		if ((rc = stage2_host_attach(&cfg->stage2, mem, stage2_root, &m->host, err))) {
			machine_destroy(m);
			return rc;
		}
		m->mem = guest_mem_pt_mem(&m->host->guest);
	}
	machine_wire(m);
	/*
	 * One table serves as both, covering every top-level index; a split-root
	 * format has a table per half, the kernel's the upper one.
	 */
	if (cfg->kernel.upper_half)
		m->walker.upper_root = upper_root;
	if ((rc = pt_attach(&m->kernel_env, cfg->kernel.upper_half ? upper_root : root, cfg->kernel.upper_half,
			    &m->kernel, err)) ||
	    (rc = pt_attach(&m->env, root, false, &m->by_asid[0], err))) {
		machine_destroy(m);
		return rc;
	}
	m->user = m->by_asid[0];
	*out = m;
	return MM_OK;
}

int machine_attach(const struct machine_config *cfg, const struct pt_mem *mem, uint64_t root,
		   uint64_t upper_root, struct machine **out, struct mm_error *err)
{
	struct machine_config one_stage = *cfg;

	one_stage.stage2.arch = NULL;
	return attach(&one_stage, mem, 0, root, upper_root, out, err);
}

int machine_attach_vm(const struct machine_config *cfg, const struct pt_mem *mem, uint64_t stage2_root,
		      uint64_t root, uint64_t upper_root, struct machine **out, struct mm_error *err)
{
	return attach(cfg, mem, stage2_root, root, upper_root, out, err);
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	machine_destroy_vms(m);
	if (m->by_asid)
		for (size_t i = 0; i < MACHINE_NR_ASIDS; i++)
			pt_destroy(m->by_asid[i]);
	free(m->by_asid);
	pt_destroy(m->kernel);
	stage2_host_destroy(m->host);
	physmem_destroy(m->pm);
	free(m);
}

void machine_image_asid(struct machine *m, uint16_t asid)
{
	const struct pt_arch *arch = m->cfg.arch;

	if (arch->asid_bits && arch->asid_bits(&m->cfg.cpu) < 16)
		asid &= (uint16_t)((1u << arch->asid_bits(&m->cfg.cpu)) - 1);
	if (m->pm || m->host || asid == m->asid || m->user != m->by_asid[m->asid])
		return;
	m->by_asid[asid] = m->user;
	m->by_asid[m->asid] = NULL;
	m->asid = asid;
}

int machine_space(struct machine *m, uint16_t asid, struct page_table **out, struct mm_error *err)
{
	const struct pt_arch *arch = m->cfg.arch;
	int rc;

	if (arch->asid_bits && asid >> arch->asid_bits(&m->cfg.cpu))
		return mm_error_set(err, MM_EINVAL, "ASID %u does not fit this CPU's %u-bit ASIDs", asid,
				    arch->asid_bits(&m->cfg.cpu));
	if (!m->by_asid[asid] && !m->pm)
		return mm_error_set(err, MM_EINVAL, "an image holds one address space (ASID %u, its root "
				    "register's): cannot create ASID %u", m->asid, asid);
	/* A split-root format's kernel half is a root register of its own (TTBR1), not shared entries. */
	if (!m->by_asid[asid] &&
	    (rc = m->cfg.kernel.upper_half ? pt_create(&m->env, &m->cfg.user, &m->by_asid[asid], err)
					   : pt_create_shared(&m->env, &m->cfg.user, m->kernel, &m->by_asid[asid], err)))
		return rc;
	*out = m->by_asid[asid];
	return MM_OK;
}

int machine_switch(struct machine *m, uint16_t asid, struct mm_error *err)
{
	struct page_table *pt = NULL;
	int rc = machine_space(m, asid, &pt, err);

	if (rc)
		return rc;
	m->user = pt;
	m->asid = asid;
	return MM_OK;
}

uint64_t machine_nr_nodes(const struct machine *m)
{
	struct physmem_stats st;

	if (!m->pm)
		return 0; /* an image's nodes are not ours to count */
	physmem_stats(m->pm, &st);
	return st.node_frames + machine_other_vms_nodes(m);
}

int machine_route(const struct machine *m, struct page_table *user, uint64_t va,
		  struct page_table **out, struct mm_error *err)
{
	const struct paging_consts *pc = pc_va_upper(&m->cfg.pc, va) ? &m->upper_pc : &m->cfg.pc;

	*out = pt_owns_va(m->kernel, va) ? m->kernel : pt_owns_va(user, va) ? user : NULL;
	if (*out)
		return MM_OK;
	if (!pc_va_canonical(pc, va) && pc->split_halves)
		return mm_error_set(err, MM_ERANGE,
				    "VA 0x%llx is in neither half: the lower is [0, 0x%llx], the upper [0x%llx, 0xffffffffffffffff]",
				    (unsigned long long)va, (unsigned long long)(~0ull >> (64 - pc->half_width[0])),
				    (unsigned long long)(~0ull << pc->half_width[1]));
	if (pt_arch_check_va_fits(m->cfg.arch, va, err))
		return MM_ERANGE;
	if (!pc_va_canonical(pc, va))
		return mm_error_set(err, MM_ERANGE, "VA 0x%llx is not canonical for %u-bit addresses",
				    (unsigned long long)va, pc->address_width);
	return mm_error_set(err, MM_ERANGE,
			    "VA 0x%llx (top-level index %u) is in neither the user range [%u, %u) nor the kernel range [%u, %u)",
			    (unsigned long long)va, pc_index(pc, va, pc->nr_levels),
			    m->cfg.user.top_start, m->cfg.user.top_end,
			    m->cfg.kernel.top_start, m->cfg.kernel.top_end);
}

int machine_map(struct machine *m, uint64_t va, uint64_t pa, uint64_t len,
		const struct page_prop *prop, struct mm_error *err)
{
	struct page_table *pt;
	int rc = machine_route(m, m->user, va, &pt, err);
	return rc ? rc : pt_map(pt, va, pa, len, prop, err);
}

int machine_unmap(struct machine *m, uint64_t va, uint64_t len, struct mm_error *err)
{
	struct page_table *pt;
	int rc = machine_route(m, m->user, va, &pt, err);
	return rc ? rc : pt_unmap(pt, va, len, err);
}

int machine_protect(struct machine *m, uint64_t va, uint64_t len, const struct page_prop *prop,
		    struct mm_error *err)
{
	struct page_table *pt;
	int rc = machine_route(m, m->user, va, &pt, err);
	return rc ? rc : pt_protect(pt, va, len, prop, err);
}

void machine_walk(struct machine *m, const struct walk_request *req, struct walk_result *res)
{
	struct walk_request r = *req;
	r.root = pt_root(m->user);
	walk(&m->walker, &r, res);
}

void machine_walk_nested(struct machine *m, const struct walk_request *req, struct nested_result *out)
{
	struct walk_request r = *req;
	r.root = pt_root(m->user);
	nested_walk(&m->walker, &m->host->guest, &r, out);
}

uint64_t machine_root(const struct machine *m)
{
	return pt_root(m->user);
}
