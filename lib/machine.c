/*
 * machine: the public face of sim/machine and sim/physmem — a machine's
 * physical memory and the page tables of its address spaces.
 */
#include "api.h"

#include "sim/stage2_host.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/page_prop.h"
#include "pt/page_table.h"
#include "pt/pt_arch.h"
#include "formats/elf_dump.h"
#include "formats/image.h"
#include "image_machine.h"
#include "sim/physmem.h"

API_SAME(MMUSIM_PROP_R, PROP_R);
API_SAME(MMUSIM_PROP_W, PROP_W);
API_SAME(MMUSIM_PROP_X, PROP_X);
API_SAME(MMUSIM_PROP_U, PROP_U);
API_SAME(MMUSIM_PROP_G, PROP_G);
API_SAME(MMUSIM_PROP_A, PROP_A);
API_SAME(MMUSIM_PROP_D, PROP_D);
API_SAME(MMUSIM_PROP_AVAIL1, PROP_AVAIL1);
API_SAME(MMUSIM_PROP_AVAIL2, PROP_AVAIL2);
API_SAME(MMUSIM_CACHE_WB, CACHE_WB);
API_SAME(MMUSIM_CACHE_WT, CACHE_WT);
API_SAME(MMUSIM_CACHE_UC, CACHE_UC);
API_SAME(MMUSIM_CACHE_WC, CACHE_WC);
API_SAME(MMUSIM_CACHE_WP, CACHE_WP);
API_SAME(MMUSIM_PERM_R, PERM_R);
API_SAME(MMUSIM_PERM_W, PERM_W);
API_SAME(MMUSIM_PERM_X, PERM_X);
API_SAME(MMUSIM_PERM_U, PERM_U);
API_SAME(MMUSIM_PERM_G, PERM_G);

int mmusim_machine_create(const mmusim_config *cfg, mmusim_machine **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_machine *mm;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, cfg);
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	mm->config = *cfg;
	if (machine_create(&mm->config.cfg, &mm->m, &e)) {
		free(mm);
		return api_error(err, &e);
	}
	*out = mm;
	return MMUSIM_OK;
}

/*
 * The table the root register `reg_name` selects in an image, as the caller
 * asked: a PA, a register value, or (RECORDED) the first root note for the
 * root register and the register note of that name for the upper one.
 */
static int image_root_of(const struct pt_arch *arch, const struct paging_consts *pc, struct image *img,
			 const char *reg_name, bool upper, enum mmusim_root_source how, uint64_t value, uint64_t *root,
			 uint16_t *asid_out, struct mm_error *e)
{
	char name[16];
	uint64_t reg;
	uint16_t asid = 0, *asid_p = asid_out ? asid_out : &asid;

	switch (how) {
	case MMUSIM_ROOT_PA: {
		/*
		 * The hardware finds the root through its register, which holds only
		 * the address bits of an aligned table (x86 CR3 bits 11:0 are flags
		 * and PCID, satp holds a PPN): a root it cannot hold is refused, not
		 * walked as if the low bits were there.
		 */
		uint64_t held = 0;
		if (arch->decode_root_reg(pc, arch->encode_root_reg(pc, value, 0), &held, &asid, e) != MM_OK) {
			char why[MM_ERROR_MSG_SIZE];
			snprintf(why, sizeof(why), "%s", e ? e->msg : "");
			return mm_error_set(e, MM_EINVAL, "root 0x%" PRIx64 " is not a table address %s can hold: %s",
					    value, reg_name, why);
		}
		/* Bits the register drops at or above the PA width are no alignment matter. */
		uint64_t dropped = value & ~held;
		if (held != value && pc->phys_addr_width < 64 && dropped >> pc->phys_addr_width &&
		    !(dropped & ((1ull << pc->phys_addr_width) - 1)))
			return mm_error_set(e, MM_EINVAL, "root 0x%" PRIx64 " is not a table address %s can hold "
					    "(it would point at 0x%" PRIx64 "): bits 0x%" PRIx64 " are beyond the "
					    "addresses it holds", value, reg_name, held, dropped);
		if (held != value)
			return mm_error_set(e, MM_EINVAL, "root 0x%" PRIx64 " is not a table address %s can hold "
					    "(it would point at 0x%" PRIx64 "): a root table is aligned, and the bits "
					    "below are not address bits", value, reg_name, held);
		*root = value;
		return MM_OK;
	}
	case MMUSIM_ROOT_REGISTER:
		return arch->decode_root_reg(pc, value, root, asid_p, e);
	case MMUSIM_ROOT_RECORDED:
		if (upper && image_reg(img, reg_name, &reg) == MM_OK)
			return arch->decode_root_reg(pc, reg, root, asid_p, e);
		if (!upper && image_nr_roots(img) && image_root(img, 0, name, root, &reg) == MM_OK) {
			uint64_t same;
			/* The register's ASID (CR3's PCID, satp.ASID) with it, when the note holds the register. */
			if (reg && arch->decode_root_reg(pc, reg, &same, &asid, NULL) == MM_OK && same == *root)
				*asid_p = asid;
			return MM_OK;
		}
		return mm_error_set(e, MM_EINVAL, "no %s recorded in the image: give a root address or %s value",
				    upper ? reg_name : "root", reg_name);
	}
	return mm_error_set(e, MM_EINVAL, "unknown root source %d", (int)how);
}

/*
 * The flag bits of the root register the lower root came from, as the
 * format keeps them (x86_32 CR3's PWT/PCD): the value given, or the
 * register recorded with the image's first root; 0 for a root given as a PA.
 */
static uint64_t image_root_reg_flags(const struct pt_arch *arch, struct image *img, const mmusim_image_options *opt)
{
	char name[16];
	uint64_t root, reg = 0;

	if (!arch->root_reg_flags)
		return 0;
	if (opt->how == MMUSIM_ROOT_REGISTER)
		reg = opt->value;
	else if (opt->how != MMUSIM_ROOT_RECORDED || !image_nr_roots(img) ||
		 image_root(img, 0, name, &root, &reg) != MM_OK)
		reg = 0;
	return arch->root_reg_flags(reg);
}

/*
 * The control registers into cfg: those the image records, then the
 * caller's; the constants are derived and checked again after each, as the
 * config loader checks them.
 */
static int image_ctl_regs(struct machine_config *cfg, const struct image *img, const mmusim_image_options *opt,
			  struct mm_error *e)
{
	const struct ctl_reg *regs = cfg->arch->ctl_regs;
	uint64_t value;
	int rc;

	for (size_t i = 0; i < opt->nr_regs; i++)
		if (!opt->regs[i].name || !ctl_reg_find(regs, opt->regs[i].name))
			return mm_error_set(e, MM_EINVAL, "%s is not a control register of %s",
					    opt->regs[i].name ? opt->regs[i].name : "(null)", cfg->arch->name);
	for (const struct ctl_reg *r = regs; r && r->name; r++) {
		bool given = image_reg(img, r->name, &value) == MM_OK;
		for (size_t i = 0; i < opt->nr_regs; i++)
			if (strcmp(opt->regs[i].name, r->name) == 0) {
				value = opt->regs[i].value;
				given = true;
			}
		if (!given)
			continue;
		if ((rc = r->decode(value, &cfg->pc, &cfg->cpu, e)) ||
		    (rc = paging_consts_derive(&cfg->pc, e)) || (rc = pt_arch_check_consts(cfg->arch, &cfg->pc, e)) ||
		    (cfg->arch->check_ctl && (rc = cfg->arch->check_ctl(&cfg->pc, &cfg->cpu, e))))
			return rc;
	}
	for (const struct ctl_reg *r = cfg->arch->core_regs; r && r->name; r++)
		if (image_reg(img, r->name, &value) == MM_OK && (rc = r->decode(value, &cfg->pc, &cfg->cpu, e)))
			return rc;
	return MM_OK;
}

/*
 * A virtual machine's image (host memory, as `dump` writes it): the stage-2
 * root from the stage-2 register note (hgatp, eptp, ncr3, vttbr), and, unless
 * the caller gave one, the guest's root from the guest's register note
 * (vsatp, cr3, ttbr0), not from the first root note, which is stage 2's.
 */
static int image_vm_roots(const struct machine_config *cfg, struct image *img, const mmusim_image_options *opt,
			  uint64_t *stage2_root, uint64_t *root, struct mm_error *e)
{
	const struct stage2_config *s2 = &cfg->stage2;
	const char *s2_name = pt_arch_stage2_register(s2->arch);
	char guest_name[32];
	uint64_t reg;
	uint16_t asid;
	int rc;

	if (opt->stage2_how != MMUSIM_ROOT_RECORDED) {
		if ((rc = image_root_of(s2->arch, &s2->pc, img, s2_name, true, opt->stage2_how, opt->stage2_value,
					stage2_root, NULL, e)))
			return rc;
	} else if (image_reg(img, s2_name, &reg) != MM_OK) {
		return mm_error_set(e, MM_EINVAL, "no %s recorded in the image: give the stage-2 root (a dump of a virtual "
				    "machine records it: mmusim --config %s dump)", s2_name, cfg->name);
	} else if ((rc = s2->arch->decode_root_reg(&s2->pc, reg, stage2_root, &asid, e))) {
		return rc;
	}
	if (opt->how != MMUSIM_ROOT_RECORDED)
		return MM_OK;
	pt_arch_guest_register(s2->arch, cfg->arch, guest_name, sizeof(guest_name));
	if (image_reg(img, guest_name, &reg) != MM_OK)
		return mm_error_set(e, MM_EINVAL, "no %s recorded in the image: give the guest's root", guest_name);
	return cfg->arch->decode_root_reg(&cfg->pc, reg, root, &asid, e);
}

int mmusim_machine_open_image_opts(const mmusim_config *cfg, const char *path, const mmusim_image_options *opt,
				   mmusim_machine **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_machine *mm;
	const struct pt_arch *arch;
	struct pt_mem mem;
	uint64_t root, upper_root = 0, stage2_root = 0;
	uint16_t asid = 0;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, cfg);
	API_REFUSE_NULL(err, path);
	API_REFUSE_NULL(err, opt);
	arch = cfg->cfg.arch;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	mm->config = *cfg;
	if (!arch->upper_root_register && opt->upper_how != MMUSIM_ROOT_RECORDED) {
		mm_error_set(&e, MM_EINVAL, "%s has one root register (%s): no upper root to give", arch->name,
			     arch->root_register);
		goto fail;
	}
	if (!cfg->cfg.stage2.arch && opt->stage2_how != MMUSIM_ROOT_RECORDED) {
		mm_error_set(&e, MM_EINVAL, "config %s has no stage2: block: no stage-2 root to give", cfg->cfg.name);
		goto fail;
	}
	if (image_open(path, IMAGE_AUTO, opt->raw_base, &mm->img, &e) ||
	    image_machine_check(mm->img, path, &mm->config.cfg, &e) ||
	    image_ctl_regs(&mm->config.cfg, mm->img, opt, &e) ||
	    image_root_of(arch, &mm->config.cfg.pc, mm->img, arch->root_register, false, opt->how, opt->value, &root,
			  &asid, &e) ||
	    (arch->upper_root_register &&
	     image_root_of(arch, &mm->config.cfg.pc, mm->img, arch->upper_root_register, true, opt->upper_how, opt->upper_value,
			   &upper_root, NULL, &e)))
		goto fail;
	mm->config.cfg.cpu.root_reg_flags = image_root_reg_flags(arch, mm->img, opt);
	mem = image_pt_mem(mm->img);
	if (mm->config.cfg.stage2.arch) {
		if (image_vm_roots(&mm->config.cfg, mm->img, opt, &stage2_root, &root, &e) ||
		    machine_attach_vm(&mm->config.cfg, &mem, stage2_root, root, upper_root, &mm->m, &e))
			goto fail;
	} else if (machine_attach(&mm->config.cfg, &mem, root, upper_root, &mm->m, &e)) {
		goto fail;
	} else {
		machine_image_asid(mm->m, asid);
	}
	*out = mm;
	return MMUSIM_OK;
fail:
	image_close(mm->img);
	free(mm);
	return api_error(err, &e);
}

int mmusim_machine_open_image(const mmusim_config *cfg, const char *path, uint64_t raw_base,
			      enum mmusim_root_source how, uint64_t value, mmusim_machine **out,
			      mmusim_error *err)
{
	mmusim_image_options opt = { .raw_base = raw_base, .how = how, .value = value };

	return mmusim_machine_open_image_opts(cfg, path, &opt, out, err);
}

void mmusim_machine_destroy(mmusim_machine *m)
{
	if (!m)
		return;
	machine_destroy(m->m);
	image_close(m->img);
	free(m);
}

/* An image's memory and tables are someone else's: nothing may be allocated or edited. */
static int refuse_image(const mmusim_machine *m, const char *what, mmusim_error *err)
{
	struct mm_error e = { 0 };

	if (m->m->pm)
		return MMUSIM_OK;
	mm_error_set(&e, MM_EINVAL, "a machine over an image is read-only: cannot %s", what);
	return api_error(err, &e);
}

/* At most the two roots and this many control registers per format. */
#define DUMP_MAX_REGS 12 /* and a VM's two */

/*
 * The register notes of a dump: on a format that needs more than its root
 * register (AArch64), the current root register, the upper one and the
 * control registers, as a CPU running this machine would hold them.
 */
static size_t dump_regs(const struct machine *mach, struct elf_dump_reg regs[DUMP_MAX_REGS])
{
	const struct pt_arch *arch = mach->cfg.arch;
	const struct paging_consts *pc = &mach->cfg.pc;
	size_t n = 0;

	if (!arch->upper_root_register && !arch->ctl_regs)
		return 0;
	snprintf(regs[n].name, sizeof(regs[n].name), "%s", arch->root_register);
	regs[n++].value = pt_arch_root_reg(arch, pc, &mach->cfg.cpu, machine_root(mach), mach->asid);
	if (arch->upper_root_register) {
		snprintf(regs[n].name, sizeof(regs[n].name), "%s", arch->upper_root_register);
		regs[n++].value = pt_arch_root_reg(arch, pc, &mach->cfg.cpu, pt_root(mach->kernel), 0);
	}
	for (const struct ctl_reg *r = arch->ctl_regs; r && r->name && n < DUMP_MAX_REGS; r++) {
		snprintf(regs[n].name, sizeof(regs[n].name), "%s", r->name);
		regs[n++].value = r->encode(pc, &mach->cfg.cpu);
	}
	return n;
}

int mmusim_dump_elf(const mmusim_machine *m, const char *path, mmusim_error *err)
{
	API_REFUSE_NULL(err, path);
	struct elf_dump_reg regs[DUMP_MAX_REGS];
	size_t nr_regs;
	const struct machine *mach = m->m;
	const struct pt_arch *arch = mach->cfg.arch;
	struct elf_dump_root *roots;
	struct mm_error e = { 0 };
	size_t nr = 0;
	int rc;

	if ((rc = refuse_image(m, "dump it", err)))
		return rc;
	roots = calloc(MACHINE_NR_ASIDS + 1, sizeof(*roots));
	if (!roots)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	nr_regs = dump_regs(mach, regs);
	size_t guest_regs = nr_regs; /* the guest's root and control registers, where the format records them */
	/*
	 * A virtual machine's memory is the host's: the stage-2 root first (a
	 * host PA, what a reader of host memory walks), then the guest's
	 * address spaces (their roots are GPAs), and both root registers.
	 */
	if (mach->host) {
		const struct stage2_host *h = mach->host;
		snprintf(roots[nr].name, sizeof(roots[nr].name), "stage2");
		roots[nr].root = stage2_host_root(h);
		roots[nr].reg = pt_arch_root_reg(h->cfg.arch, &h->cfg.pc, &h->cfg.cpu, roots[nr].root, mach->vmid);
		snprintf(regs[nr_regs].name, sizeof(regs[nr_regs].name), "%s", pt_arch_stage2_register(h->cfg.arch));
		regs[nr_regs++].value = roots[nr].reg;
		nr++;
		/* The guest's root register, unless dump_regs wrote it already under the same name. */
		if (!guest_regs || h->cfg.arch->stage2_guest_register_prefix) {
			pt_arch_guest_register(h->cfg.arch, arch, regs[nr_regs].name, sizeof(regs[nr_regs].name));
			regs[nr_regs++].value = pt_arch_root_reg(arch, &mach->cfg.pc, &mach->cfg.cpu, machine_root(mach),
								 mach->asid);
		}
		/* The host's control registers (Arm VTCR_EL2), after the guest's. */
		for (const struct ctl_reg *r = h->cfg.arch->ctl_regs; r && r->name && nr_regs < DUMP_MAX_REGS; r++) {
			snprintf(regs[nr_regs].name, sizeof(regs[nr_regs].name), "%s", r->name);
			regs[nr_regs++].value = r->encode(&h->cfg.pc, &h->cfg.cpu);
		}
	}
	/* One note per address space, the current one first: readers take the first by default. */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned asid = 0; asid < MACHINE_NR_ASIDS; asid++) {
			const struct page_table *pt = mach->by_asid[asid];
			if (!pt || (pass == 0) != (asid == mach->asid))
				continue;
			snprintf(roots[nr].name, sizeof(roots[nr].name), "asid%u", asid);
			roots[nr].root = pt_root(pt);
			roots[nr].reg = pt_arch_root_reg(arch, &mach->cfg.pc, &mach->cfg.cpu, pt_root(pt), (uint16_t)asid);
			nr++;
		}
	}
	rc = elf_dump_write(path, mach->host ? mach->host->pm : mach->pm, arch->elf_machine, roots, nr, regs, nr_regs, &e);
	free(roots);
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

const char *mmusim_root_register(const mmusim_machine *m, uint64_t *value)
{
	const struct pt_arch *arch = m->m->cfg.arch;

	if (value)
		*value = pt_arch_root_reg(arch, &m->m->cfg.pc, &m->m->cfg.cpu, machine_root(m->m), m->m->asid);
	return arch->root_register;
}

const char *mmusim_machine_last_error(const mmusim_machine *m)
{
	return m->last_error.message;
}

const mmusim_config *mmusim_machine_config(const mmusim_machine *m)
{
	return &m->config;
}

/* The memory interface returns a bare status: mem_read and mem_write, which have no err, say why on m. */
static int mem_access_result(mmusim_machine *m, int rc, const char *op, uint64_t pa, unsigned size)
{
	struct mm_error e = { .code = rc };
	const char *why = rc == MM_EBUS     ? "outside physical memory"
			  : rc == MM_EINVAL ? "expected a size of 1, 2, 4 or 8 bytes at a PA aligned to it"
			  : rc == MM_ENOMEM ? "out of host memory"
			  : "failed";

	if (rc == MM_OK)
		return MM_OK;
	snprintf(e.msg, sizeof(e.msg), "%s of %u bytes at PA 0x%llx: %s", op, size, (unsigned long long)pa, why);
	return api_error(&m->last_error, &e);
}

/* Through the machine's memory interface, so that image-backed machines read their image. */
int mmusim_mem_read(mmusim_machine *m, uint64_t pa, unsigned size, uint64_t *val)
{
	if (!val)
		return api_null_argument(&m->last_error, __func__, "val");
	return mem_access_result(m, pt_mem_read(&m->m->mem, pa, size, val), "read", pa, size);
}

int mmusim_mem_write(mmusim_machine *m, uint64_t pa, unsigned size, uint64_t val)
{
	int rc = pt_mem_write(&m->m->mem, pa, size, val);

	/* It may have planted an entry pt_map never writes: listings now check each leaf. */
	if (rc == MM_OK)
		m->m->mem.hand_written = true;
	return mem_access_result(m, rc, "write", pa, size);
}

int mmusim_mem_alloc(mmusim_machine *m, uint64_t size, uint64_t align, uint64_t *pa, mmusim_error *err)
{
	struct mm_error e = { 0 };
	int rc;

	API_REFUSE_NULL(err, pa);
	if ((rc = refuse_image(m, "allocate memory", err)))
		return rc;

	if (physmem_alloc_data(m->m->pm, size, align, pa, &e))
		return api_error(err, &e);
	return MMUSIM_OK;
}

static int edit_result(int rc, const struct mm_error *e, mmusim_error *err)
{
	return rc ? api_error(err, e) : MMUSIM_OK;
}

/* What map and protect check first: the tables are ours to edit, and flags and cache are the API's. */
static int check_edit(mmusim_machine *m, const char *op, uint32_t flags, enum mmusim_cache cache,
		      mmusim_error *err)
{
	struct mm_error e = { 0 };
	int rc;

	if ((rc = refuse_image(m, op, err)))
		return rc;
	return api_check_prop(flags, cache, &e) ? api_error(err, &e) : MMUSIM_OK;
}

int mmusim_map(mmusim_machine *m, uint64_t va, uint64_t pa, uint64_t len, uint32_t flags,
	       enum mmusim_cache cache, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { flags, (enum cache_policy)cache };
	int rc;

	if ((rc = check_edit(m, "map", flags, cache, err)))
		return rc;
	return edit_result(machine_map(m->m, va, pa, len, &prop, &e), &e, err);
}

int mmusim_unmap(mmusim_machine *m, uint64_t va, uint64_t len, mmusim_error *err)
{
	struct mm_error e = { 0 };
	int rc;

	if ((rc = refuse_image(m, "unmap", err)))
		return rc;
	return edit_result(machine_unmap(m->m, va, len, &e), &e, err);
}

int mmusim_protect(mmusim_machine *m, uint64_t va, uint64_t len, uint32_t flags,
		   enum mmusim_cache cache, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { flags, (enum cache_policy)cache };
	int rc;

	if ((rc = check_edit(m, "protect", flags, cache, err)))
		return rc;
	return edit_result(machine_protect(m->m, va, len, &prop, &e), &e, err);
}

static void mapping_to_public(const struct pt_mapping *in, mmusim_mapping *out)
{
	out->va = in->va;
	out->pa = in->pa;
	out->size = in->size;
	out->level = in->level;
	out->pte = in->pte;
	out->flags = in->prop.flags;
	out->cache = (enum mmusim_cache)in->prop.cache;
	out->perms = in->perms & PERM_PUBLIC;
}

bool mmusim_query(mmusim_machine *m, uint64_t va, mmusim_mapping *out)
{
	struct pt_mapping map;

	if (!pt_query(m->m->user, va, &map))
		return false;
	if (out)
		mapping_to_public(&map, out);
	return true;
}

struct for_each_ctx {
	int (*fn)(void *arg, const mmusim_mapping *map);
	void *arg;
};

static int forward_leaf(void *arg, const struct pt_mapping *in)
{
	const struct for_each_ctx *ctx = arg;
	mmusim_mapping map;

	mapping_to_public(in, &map);
	return ctx->fn(ctx->arg, &map);
}

int mmusim_for_each_mapping(mmusim_machine *m, int (*fn)(void *arg, const mmusim_mapping *map),
			    void *arg)
{
	struct for_each_ctx ctx = { fn, arg };

	_Static_assert(MMUSIM_FOR_EACH_LOOP == PT_FOR_EACH_LOOP && MMUSIM_FOR_EACH_NO_MEMORY == PT_FOR_EACH_NO_MEMORY &&
		       MMUSIM_FOR_EACH_MAX_REENTRIES == PT_FOR_EACH_MAX_REENTRIES &&
		       MMUSIM_FOR_EACH_SHARED == PT_FOR_EACH_SHARED && MMUSIM_FOR_EACH_MAX_SHARED == PT_FOR_EACH_MAX_SHARED,
		       "the API states pt's rule");
	int rc;

	API_REFUSE_NULL(&m->last_error, fn);
	/*
	 * The user table holds the kernel's top-level entries too: one pass sees
	 * both halves; a split-root format's kernel half (TTBR1) follows its user half.
	 */
	rc = pt_for_each(m->m->user, forward_leaf, &ctx);
	if (rc == 0 && m->m->cfg.kernel.upper_half)
		rc = pt_for_each(m->m->kernel, forward_leaf, &ctx);
	return rc;
}

int mmusim_switch_asid(mmusim_machine *m, uint16_t asid, mmusim_error *err)
{
	struct mm_error e = { 0 };

	return edit_result(machine_switch(m->m, asid, &e), &e, err);
}

uint16_t mmusim_current_asid(const mmusim_machine *m)
{
	return m->m->asid;
}

int mmusim_switch_vm(mmusim_machine *m, unsigned vmid, mmusim_error *err)
{
	struct mm_error e = { 0 };

	return edit_result(machine_switch_vm(m->m, vmid, &e), &e, err);
}

unsigned mmusim_current_vm(const mmusim_machine *m)
{
	return m->m->vmid;
}

uint64_t mmusim_root(const mmusim_machine *m)
{
	return machine_root(m->m);
}

uint64_t mmusim_upper_root(const mmusim_machine *m)
{
	return m->m->walker.upper_root;
}

uint64_t mmusim_nr_nodes(const mmusim_machine *m)
{
	return machine_nr_nodes(m->m);
}
