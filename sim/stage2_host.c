/* stage2_host: host memory, the stage-2 table and guest memory (see stage2_host.h). */
#include "stage2_host.h"

#include <stdlib.h>

#include "pt/pt_arch.h"

/*
 * Where the backing starts: aligned to the largest stage-2 page that divides
 * guest RAM whatever leaves map it, so that a GPA and its host PA differ in
 * their high bits only (easy to follow by eye) and larger leaves stay possible.
 */
static uint64_t backing_align(const struct stage2_config *cfg, uint64_t len)
{
	uint64_t align = cfg->pc.base_page_size;

	for (unsigned level = 2; level <= cfg->pc.highest_translation_level && level <= cfg->pc.nr_levels; level++)
		if (!(len & (pc_page_size(&cfg->pc, level) - 1)))
			align = pc_page_size(&cfg->pc, level);
	return align;
}

/* The properties of guest RAM at stage 2 (see back_guest_memory). */
static struct page_prop guest_ram_prop(const struct stage2_host *h)
{
	struct page_prop prop = { PROP_R | PROP_W | PROP_X | PROP_U | PROP_A, CACHE_WB };

	if (!pt_arch_hw_sets_dirty(h->cfg.arch, &h->cfg.cpu))
		prop.flags |= PROP_D;
	return prop;
}

/*
 * The guest's RAM, mapped the way a hypervisor maps a VM's memory: every
 * access allowed (the guest's own tables decide), A and D left for the
 * hardware to set, or preset where it would fault instead (Svade-like
 * stage 2), as KVM maps pages it has faulted in.
 */
static int back_guest_memory(struct stage2_host *h, uint64_t gpa, uint64_t len, struct mm_error *err)
{
	struct page_prop prop = guest_ram_prop(h);
	int rc;

	if ((rc = physmem_alloc_data(h->pm, len, backing_align(&h->cfg, len), &h->backing_hpa, err))) {
		mm_error_prefix(err, "backing guest memory [0x%llx, 0x%llx] with host memory",
				(unsigned long long)gpa, (unsigned long long)(gpa + len - 1));
		return rc;
	}
	return pt_map_sized(h->table, gpa, h->backing_hpa, len, &prop, h->cfg.backing_page_size, err);
}

/* guest_mem's fill: the host backs a guest node's frame on first touch. */
static int fill_for_guest(void *arg, uint64_t gpa, struct mm_error *err)
{
	return stage2_host_fill(arg, gpa, err);
}

int stage2_host_create(const struct stage2_config *cfg, uint64_t guest_base, uint64_t guest_size,
		       struct physmem *frames, struct stage2_host **out, struct mm_error *err)
{
	struct stage2_host *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	h->cfg = *cfg;
	h->guest_base = guest_base;
	h->guest_size = guest_size;
	if (!(h->pm = physmem_create(cfg->mem_base, cfg->mem_size, cfg->pc.base_page_size, err))) {
		free(h);
		return err ? err->code : MM_EINVAL;
	}
	h->mem = physmem_pt_mem(h->pm);
	h->env = (struct pt_env){ .arch = cfg->arch, .pc = &h->cfg.pc, .ctl = &h->cfg.cpu, .mem = &h->mem };
	h->kind = (struct pt_kind_config){ .top_start = 0, .top_end = h->cfg.pc.top_entries, .top_can_unmap = true };
	h->walker = (struct walker){ .arch = cfg->arch, .pc = &h->cfg.pc, .ctl = &h->cfg.cpu, .mem = &h->mem };
	/* Stage 2 checks the guest's implicit accesses as user accesses (NPT, the G-stage). */
	h->guest = (struct guest_mem){ .stage2 = &h->walker, .priv = PRIV_USER,
				       .table_reads_write = cfg->arch->stage2_table_reads_write &&
							    cfg->arch->stage2_table_reads_write(&cfg->cpu) };
	/* VM 0: the stage-2 table, guest RAM backed, the guest's frames. */
	if ((rc = stage2_host_start_vm(h, 0, frames, err))) {
		stage2_host_destroy(h);
		return rc;
	}
	if (cfg->has_tlb && !(h->guest.tlb = tlb_create(&cfg->tlb, err))) {
		stage2_host_destroy(h);
		return MM_EINVAL;
	}
	for (unsigned i = 0; i < cfg->nr_pwc; i++) {
		if (!(h->guest.pwc[cfg->pwc[i].level] = tlb_create(&cfg->pwc[i], err))) {
			stage2_host_destroy(h);
			return MM_EINVAL;
		}
	}
	/* Deepest first: that hit skips the most levels. */
	for (unsigned level = 2; level <= PT_MAX_LEVELS; level++)
		if (h->guest.pwc[level])
			h->guest.pwc_levels[h->guest.nr_pwc++] = level;
	if (!cfg->back_guest_memory) {
		h->guest.fill = fill_for_guest;
		h->guest.fill_arg = h;
	}
	*out = h;
	return MM_OK;
}

int stage2_host_attach(const struct stage2_config *cfg, const struct pt_mem *mem, uint64_t root,
		       struct stage2_host **out, struct mm_error *err)
{
	struct stage2_host *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	h->cfg = *cfg;
	h->mem = *mem;
	h->env = (struct pt_env){ .arch = cfg->arch, .pc = &h->cfg.pc, .ctl = &h->cfg.cpu, .mem = &h->mem };
	h->walker = (struct walker){ .arch = cfg->arch, .pc = &h->cfg.pc, .ctl = &h->cfg.cpu, .mem = &h->mem };
	if ((rc = pt_attach(&h->env, root, false, &h->table, err))) {
		free(h);
		return rc;
	}
	h->guest = (struct guest_mem){ .stage2 = &h->walker, .stage2_root = root, .priv = PRIV_USER,
				       .table_reads_write = cfg->arch->stage2_table_reads_write &&
							    cfg->arch->stage2_table_reads_write(&cfg->cpu) };
	*out = h;
	return MM_OK;
}

void stage2_host_destroy(struct stage2_host *h)
{
	if (!h)
		return;
	tlb_destroy(h->guest.tlb);
	for (unsigned level = 0; level <= PT_MAX_LEVELS; level++)
		tlb_destroy(h->guest.pwc[level]);
	pt_destroy(h->table);
	physmem_destroy(h->pm);
	free(h);
}

int stage2_host_fill(struct stage2_host *h, uint64_t gpa, struct mm_error *err)
{
	uint64_t page = h->cfg.pc.base_page_size, hpa;
	struct page_prop prop = guest_ram_prop(h);
	int rc;

	gpa &= ~(page - 1);
	if (gpa < h->guest_base || gpa - h->guest_base >= h->guest_size)
		return mm_error_set(err, MM_ERANGE, "GPA 0x%llx is outside guest memory [0x%llx, 0x%llx]",
				    (unsigned long long)gpa, (unsigned long long)h->guest_base,
				    (unsigned long long)(h->guest_base + h->guest_size - 1));
	if ((rc = physmem_alloc_data(h->pm, page, page, &hpa, err)) ||
	    (rc = stage2_host_map(h, gpa, hpa, page, &prop, err)))
		return rc;
	h->filled_pages++;
	return MM_OK;
}

void stage2_host_flush_caches(struct stage2_host *h, bool one_page, uint64_t gpa, bool all_vms)
{
	const uint64_t page = h->cfg.pc.base_page_size;
	const uint16_t vmid = h->guest.vmid;

	for (unsigned i = 0; i <= PT_MAX_LEVELS + 1; i++) {
		struct tlb *t = i == PT_MAX_LEVELS + 1 ? h->guest.tlb : h->guest.pwc[i];
		if (!t)
			continue;
		if (all_vms)
			tlb_flush_all(t);
		/* A PWC entry spans many pages: the fence for one GPA drops them all, as the spec allows. */
		else if (one_page && t == h->guest.tlb)
			tlb_flush_range(t, gpa & ~(page - 1), page, TLB_SELECT_ALL, tlb_space(vmid, 0));
		else
			tlb_flush_vm(t, vmid);
	}
}

int stage2_host_start_vm(struct stage2_host *h, uint16_t vmid, struct physmem *frames, struct mm_error *err)
{
	int rc;

	h->table = NULL;
	h->backing_hpa = 0;
	h->filled_pages = 0;
	if ((rc = pt_create(&h->env, &h->kind, &h->table, err)) ||
	    (h->cfg.back_guest_memory && (rc = back_guest_memory(h, h->guest_base, h->guest_size, err)))) {
		pt_destroy(h->table);
		h->table = NULL;
		return rc;
	}
	h->guest.stage2_root = pt_root(h->table);
	h->guest.frames = frames;
	h->guest.vmid = vmid;
	return MM_OK;
}

void stage2_host_save_vm(const struct stage2_host *h, struct stage2_vm *out)
{
	*out = (struct stage2_vm){ .table = h->table, .backing_hpa = h->backing_hpa, .filled_pages = h->filled_pages,
				   .frames = h->guest.frames, .vmid = h->guest.vmid };
}

void stage2_host_load_vm(struct stage2_host *h, const struct stage2_vm *vm)
{
	h->table = vm->table;
	h->backing_hpa = vm->backing_hpa;
	h->filled_pages = vm->filled_pages;
	h->guest.stage2_root = pt_root(vm->table);
	h->guest.frames = vm->frames;
	h->guest.vmid = vm->vmid;
}

void stage2_host_reset_cache_stats(struct stage2_host *h)
{
	if (h->guest.tlb)
		tlb_stats_reset(h->guest.tlb);
	for (unsigned level = 0; level <= PT_MAX_LEVELS; level++)
		if (h->guest.pwc[level])
			tlb_stats_reset(h->guest.pwc[level]);
}

uint64_t stage2_host_root(const struct stage2_host *h)
{
	return pt_root(h->table);
}

int stage2_host_map(struct stage2_host *h, uint64_t gpa, uint64_t hpa, uint64_t len,
		    const struct page_prop *prop, struct mm_error *err)
{
	return pt_map(h->table, gpa, hpa, len, prop, err);
}

int stage2_host_unmap(struct stage2_host *h, uint64_t gpa, uint64_t len, struct mm_error *err)
{
	return pt_unmap(h->table, gpa, len, err);
}

int stage2_host_protect(struct stage2_host *h, uint64_t gpa, uint64_t len, const struct page_prop *prop,
			struct mm_error *err)
{
	return pt_protect(h->table, gpa, len, prop, err);
}
