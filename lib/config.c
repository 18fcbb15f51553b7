/* config: the public face of sim/config (machine descriptions in YAML). */
#include "api.h"

#include <stdlib.h>

#include "pt/pt_arch.h"

static int finish_load(int rc, struct mmusim_config *c, const struct mm_error *e,
		       mmusim_config **out, mmusim_error *err)
{
	if (rc) {
		free(c);
		return api_error(err, e);
	}
	*out = c;
	return MMUSIM_OK;
}

int mmusim_config_load(const char *name_or_path, mmusim_config **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_config *c;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, name_or_path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	return finish_load(config_load(name_or_path, &c->cfg, &e), c, &e, out, err);
}

int mmusim_config_parse(const char *yaml, size_t len, const char *filename, mmusim_config **out,
			mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_config *c;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, yaml);
	c = calloc(1, sizeof(*c));
	if (!c)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	return finish_load(config_load_string(yaml, len, filename ? filename : "<string>", &c->cfg, &e),
			   c, &e, out, err);
}

void mmusim_config_free(mmusim_config *cfg)
{
	free(cfg);
}

const char *const *mmusim_preset_names(void)
{
	return config_preset_names();
}

const char *mmusim_preset_yaml(const char *name)
{
	return name ? config_preset_text(name) : NULL;
}

const char *mmusim_config_name(const mmusim_config *cfg)
{
	return cfg->cfg.name;
}

const char *mmusim_config_arch(const mmusim_config *cfg)
{
	return cfg->cfg.arch->name;
}

unsigned mmusim_config_levels(const mmusim_config *cfg)
{
	return cfg->cfg.pc.nr_levels;
}

uint64_t mmusim_config_page_size(const mmusim_config *cfg)
{
	return cfg->cfg.pc.base_page_size;
}

uint64_t mmusim_config_leaf_size(const mmusim_config *cfg, unsigned level)
{
	const struct paging_consts *pc = &cfg->cfg.pc;

	if (level < 1 || level > pc->highest_translation_level)
		return 0;
	return pc_page_size(pc, level);
}

unsigned mmusim_config_va_bits(const mmusim_config *cfg)
{
	return cfg->cfg.pc.address_width;
}

unsigned mmusim_config_index_bits(const mmusim_config *cfg)
{
	return cfg->cfg.pc.index_bits;
}

unsigned mmusim_config_pte_size(const mmusim_config *cfg)
{
	return cfg->cfg.pc.pte_size;
}

uint64_t mmusim_config_memory_base(const mmusim_config *cfg)
{
	return cfg->cfg.mem_base;
}

uint64_t mmusim_config_memory_size(const mmusim_config *cfg)
{
	return cfg->cfg.mem_size;
}

uint64_t mmusim_config_kernel_start(const mmusim_config *cfg)
{
	struct paging_consts upper;
	const struct paging_consts *pc = &upper;
	uint64_t va;

	pc_half(&cfg->cfg.pc, cfg->cfg.kernel.upper_half, &upper);
	va = (uint64_t)cfg->cfg.kernel.top_start << pc_index_shift(pc, pc->nr_levels);

	/* A split-root format's kernel range indexes the upper half's own table (TTBR1). */
	if (cfg->cfg.kernel.upper_half)
		va |= ~0ull << pc->address_width;
	return pc_va_canonicalize(pc, va);
}

unsigned mmusim_config_nr_tlbs(const mmusim_config *cfg)
{
	return cfg->cfg.nr_tlb;
}

unsigned mmusim_config_nr_pwcs(const mmusim_config *cfg)
{
	return cfg->cfg.nr_pwc;
}

const char *mmusim_config_root_register(const mmusim_config *cfg)
{
	return cfg->cfg.arch->root_register;
}

const char *mmusim_config_walk_root_register(const mmusim_config *cfg, char *buf, size_t len)
{
	if (cfg->cfg.stage2.arch)
		pt_arch_guest_register(cfg->cfg.stage2.arch, cfg->cfg.arch, buf, len);
	else
		snprintf(buf, len, "%s", cfg->cfg.arch->root_register);
	return buf;
}

const char *mmusim_config_upper_root_register(const mmusim_config *cfg)
{
	return cfg->cfg.arch->upper_root_register;
}

const char *mmusim_config_stage2_root_register(const mmusim_config *cfg)
{
	return cfg->cfg.stage2.arch ? pt_arch_stage2_register(cfg->cfg.stage2.arch) : NULL;
}

const char *mmusim_config_register(const mmusim_config *cfg, unsigned i, uint64_t *value)
{
	const struct ctl_reg *r = cfg->cfg.arch->ctl_regs;

	for (unsigned k = 0; r && r->name && k < i; k++)
		r++;
	if (!r || !r->name)
		return NULL;
	if (value)
		*value = r->encode(&cfg->cfg.pc, &cfg->cfg.cpu);
	return r->name;
}

unsigned mmusim_config_entries_per_node(const mmusim_config *cfg)
{
	return cfg->cfg.pc.nr_entries;
}

bool mmusim_config_cpu_key(const mmusim_config *cfg, const char *name, uint64_t *value)
{
	const struct cpu_key *key = name && value ? cpu_key_find(cfg->cfg.arch->cpu_keys, name) : NULL;

	if (!key)
		return false;
	*value = cpu_key_value(key, &cfg->cfg.cpu);
	return true;
}

unsigned mmusim_config_top_entries(const mmusim_config *cfg)
{
	return cfg->cfg.pc.top_entries;
}

bool mmusim_config_split_roots(const mmusim_config *cfg)
{
	return cfg->cfg.pc.split_halves;
}

unsigned mmusim_config_index_shift(const mmusim_config *cfg, unsigned level)
{
	/* No level 0: (level - 1) would wrap round to a shift of a few bits. */
	if (level < 1)
		return 0;
	return pc_index_shift(&cfg->cfg.pc, level);
}

unsigned mmusim_va_index(const mmusim_config *cfg, uint64_t va, unsigned level)
{
	struct paging_consts half;

	pc_half(&cfg->cfg.pc, pc_va_upper(&cfg->cfg.pc, va), &half);
	/* A level the table lacks selects nothing (and its shift could pass 63, undefined in C). */
	if (level < 1 || level > half.nr_levels)
		return 0;
	return pc_index(&half, va, level);
}

unsigned mmusim_config_half_levels(const mmusim_config *cfg, bool upper)
{
	return upper ? cfg->cfg.pc.upper_nr_levels : cfg->cfg.pc.nr_levels;
}

unsigned mmusim_config_half_va_bits(const mmusim_config *cfg, bool upper)
{
	return cfg->cfg.pc.half_width[upper];
}

unsigned mmusim_config_half_top_entries(const mmusim_config *cfg, bool upper)
{
	return upper ? cfg->cfg.pc.upper_top_entries : cfg->cfg.pc.top_entries;
}

unsigned mmusim_config_address_bits(const mmusim_config *cfg)
{
	return cfg->cfg.arch->address_bits ? cfg->cfg.arch->address_bits : 64;
}

bool mmusim_config_va_sign_extended(const mmusim_config *cfg)
{
	return cfg->cfg.pc.va_sign_ext;
}

bool mmusim_va_canonical(const mmusim_config *cfg, uint64_t va)
{
	return pc_va_canonical(&cfg->cfg.pc, va);
}

uint64_t mmusim_config_root_register_value(const mmusim_config *cfg, uint64_t root, uint16_t asid)
{
	return pt_arch_root_reg(cfg->cfg.arch, &cfg->cfg.pc, &cfg->cfg.cpu, root, asid);
}

int mmusim_config_cache_info(const mmusim_config *cfg, bool pwc, unsigned idx, mmusim_cache_info *out)
{
	static const char *const serves[] = { "instruction", "data", "unified" };
	const struct tlb_config *tc;

	if (!out || idx >= (pwc ? cfg->cfg.nr_pwc : cfg->cfg.nr_tlb))
		return MMUSIM_EINVAL;
	tc = pwc ? &cfg->cfg.pwc[idx] : &cfg->cfg.tlb[idx];
	*out = (mmusim_cache_info){ .name = tc->name, .serves = serves[tc->kind], .level = tc->level,
				    .entries = tc->entries, .ways = tc->ways };
	return MMUSIM_OK;
}

bool mmusim_config_tlb_prefetches(const mmusim_config *cfg, unsigned idx)
{
	if (idx >= cfg->cfg.nr_tlb)
		return false;
	return cfg->cfg.tlb[idx].prefetch.kind != TLB_PREFETCH_NONE || cfg->cfg.tlb[idx].prefetch.line;
}

void mmusim_config_user_top_range(const mmusim_config *cfg, unsigned *start, unsigned *end)
{
	if (start)
		*start = cfg->cfg.user.top_start;
	if (end)
		*end = cfg->cfg.user.top_end;
}

bool mmusim_config_pte_layout(const mmusim_config *cfg, mmusim_pte_layout *out)
{
	const struct pte_layout *l = &cfg->cfg.pc.layout;

	if (!cfg->cfg.arch->layout_from_config)
		return false;
	*out = (mmusim_pte_layout){
		.valid = l->valid, .read = l->read, .write = l->write, .exec = l->exec, .user = l->user,
		.huge = l->huge, .accessed = l->accessed, .dirty = l->dirty,
		.frame_shift = l->frame_shift, .frame_width = l->frame_width,
	};
	return true;
}

void mmusim_config_kernel_top_range(const mmusim_config *cfg, unsigned *start, unsigned *end)
{
	if (start)
		*start = cfg->cfg.kernel.top_start;
	if (end)
		*end = cfg->cfg.kernel.top_end;
}

unsigned mmusim_config_pa_bits(const mmusim_config *cfg)
{
	return cfg->cfg.pc.phys_addr_width;
}
