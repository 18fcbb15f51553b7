/*
 * config_toy: reads and checks the `toy:` block (see config_toy.h).  The
 * geometry is checked here with messages in the block's own terms (va_bits,
 * page_size, ...); the PTE layout by the toy format's check_limits, whose
 * messages start with the key at fault, so the error can point at it.
 */
#include "config_toy.h"

#include <string.h>

#include "pt/pt_arch.h"
#include "formats/number.h"

static const char *const toy_keys[] = {
	"va_bits", "page_size", "levels", "pte_size", "pa_bits", "valid", "read", "write", "exec",
	"user", "huge", "accessed", "dirty", "frame_shift", "frame_width", "top_entries", NULL,
};

static int get_num(const struct ynode *toy, const char *key, bool required, uint64_t max,
		   uint64_t *out, bool *present, struct mm_error *err)
{
	const struct ynode *n = ynode_get(toy, key);
	enum number_status st;

	*present = n != NULL;
	if (!n) {
		if (required)
			return ynode_error(err, toy, "missing key '%s' in toy", key);
		return MM_OK;
	}
	if (n->kind != YNODE_SCALAR || !n->plain || (st = number_parse(n->str, true, out)) == NUMBER_INVALID) {
		const char *why = n->kind == YNODE_SCALAR && n->plain ? number_why_not(n->str) : NULL;
		if (why)
			return ynode_error(err, n, "expected a number for toy.%s ('%s' %s)", key, n->str, why);
		return ynode_error(err, n, "expected a number for toy.%s", key);
	}
	if (st == NUMBER_OVERFLOW)
		return ynode_error(err, n, "toy.%s is out of range (at most %llu)", key, (unsigned long long)max);
	if (*out > max)
		return ynode_error(err, n, "toy.%s %llu is out of range (at most %llu)", key,
				   (unsigned long long)*out, (unsigned long long)max);
	return MM_OK;
}

static unsigned log2u(uint64_t x)
{
	return (unsigned)(63 - __builtin_clzll(x));
}

static int check_keys(const struct ynode *toy, struct mm_error *err)
{
	for (const struct ypair *p = toy->pairs; p; p = p->next) {
		const char *const *k = toy_keys;
		while (*k && strcmp(*k, p->key->str) != 0)
			k++;
		if (!*k)
			return ynode_error(err, p->key, "unknown key '%s' in toy", p->key->str);
	}
	return MM_OK;
}

/*
 * top_entries: the top level indexes that many entries instead of a page's
 * worth, fewer (a partial top, like Arm's start level) or more (a root of
 * several consecutive pages, like Arm's concatenated stage-2 tables), so
 * that one level can be a linear table of any size (OSTEP's
 * paging-linear-translate.py).
 */
static int check_top_entries(const struct ynode *toy, const struct paging_consts *pc, uint64_t top,
			     unsigned offset, unsigned index, struct mm_error *err)
{
	const struct ynode *at = ynode_get(toy, "top_entries");
	unsigned below = (pc->nr_levels - 1) * index + offset;

	if (top < 2 || (top & (top - 1)) || log2u(top) > index + TOY_CONCAT_TOP_BITS)
		return ynode_error(err, at, "toy.top_entries %llu must be a power of two from 2 to %llu",
				   (unsigned long long)top, 1ull << (index + TOY_CONCAT_TOP_BITS));
	/* Blamed on top_entries: the key that set the rule. */
	if (pc->address_width != below + log2u(top))
		return ynode_error(err, at,
				   "toy.va_bits %u != (levels %u - 1) x %u index bits + %u offset bits + %u top index "
				   "bits (top_entries %llu) = %u",
				   pc->address_width, pc->nr_levels, index, offset, log2u(top),
				   (unsigned long long)top, below + log2u(top));
	return MM_OK;
}

static int check_geometry(const struct ynode *toy, const struct paging_consts *pc, uint64_t top_entries,
			  struct mm_error *err)
{
	uint64_t ps = pc->base_page_size;

	/* 32 bytes: OSTEP's homework MMU (configs/ostep.yaml) is the smallest in use. */
	if (ps < 32 || ps > (1ull << 30) || (ps & (ps - 1)))
		return ynode_error(err, ynode_get(toy, "page_size"),
				   "toy.page_size %llu must be a power of two from 32 to 1G",
				   (unsigned long long)ps);
	if (pc->pte_size != 1 && pc->pte_size != 2 && pc->pte_size != 4 && pc->pte_size != 8)
		return ynode_error(err, ynode_get(toy, "pte_size"), "toy.pte_size %u must be 1, 2, 4 or 8",
				   pc->pte_size);
	if (pc->nr_levels < 1 || pc->nr_levels > PT_MAX_LEVELS)
		return ynode_error(err, ynode_get(toy, "levels"), "toy.levels %u must be from 1 to %d",
				   pc->nr_levels, PT_MAX_LEVELS);
	unsigned offset = log2u(ps), index = log2u(ps / pc->pte_size);
	if (top_entries)
		return check_top_entries(toy, pc, top_entries, offset, index, err);
	if (pc->address_width != pc->nr_levels * index + offset)
		return ynode_error(err, ynode_get(toy, "va_bits"),
				   "toy.va_bits %u != levels %u x %u index bits + %u offset bits = %u "
				   "(a %llu-byte node holds %llu %u-byte PTEs)",
				   pc->address_width, pc->nr_levels, index, offset,
				   pc->nr_levels * index + offset, (unsigned long long)ps,
				   (unsigned long long)(ps / pc->pte_size), pc->pte_size);
	if (pc->phys_addr_width <= offset || pc->phys_addr_width > 64)
		return ynode_error(err, ynode_get(toy, "pa_bits"),
				   "toy.pa_bits %u must be more than the %u offset bits and at most 64",
				   pc->phys_addr_width, offset);
	return MM_OK;
}

int config_toy_load(const struct ynode *toy, const char *primary, const struct pt_arch *arch,
		    struct paging_consts *pc, struct mm_error *err)
{
	static const struct { const char *key; size_t off; } bits[] = {
		{ "valid", offsetof(struct pte_layout, valid) },
		{ "read", offsetof(struct pte_layout, read) },
		{ "write", offsetof(struct pte_layout, write) },
		{ "exec", offsetof(struct pte_layout, exec) },
		{ "user", offsetof(struct pte_layout, user) },
		{ "huge", offsetof(struct pte_layout, huge) },
		{ "accessed", offsetof(struct pte_layout, accessed) },
		{ "dirty", offsetof(struct pte_layout, dirty) },
	};
	struct paging_consts c = { 0 };
	uint64_t v[5];
	bool present;
	int rc;

	if (toy->kind != YNODE_MAPPING)
		return ynode_error(err, toy, "expected a mapping for toy");
	if ((rc = check_keys(toy, err)) ||
	    (rc = get_num(toy, "va_bits", true, 64, &v[0], &present, err)) ||
	    (rc = get_num(toy, "page_size", true, 1ull << 32, &v[1], &present, err)) ||
	    (rc = get_num(toy, "levels", true, 64, &v[2], &present, err)) ||
	    (rc = get_num(toy, "pte_size", true, 64, &v[3], &present, err)) ||
	    (rc = get_num(toy, "pa_bits", true, 64, &v[4], &present, err)))
		return rc;
	c.address_width = (unsigned)v[0];
	c.base_page_size = v[1];
	c.nr_levels = (unsigned)v[2];
	c.pte_size = (unsigned)v[3];
	c.phys_addr_width = (unsigned)v[4];
	c.va_sign_ext = false;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		uint64_t pos = 0;
		if ((rc = get_num(toy, bits[i].key, i == 0, 63, &pos, &present, err)))
			return rc;
		*(int8_t *)((char *)&c.layout + bits[i].off) = present ? (int8_t)pos : -1;
	}
	if ((rc = get_num(toy, "frame_shift", true, 63, &v[0], &present, err)) ||
	    (rc = get_num(toy, "frame_width", true, 64, &v[1], &present, err)))
		return rc;
	c.layout.frame_shift = (uint8_t)v[0];
	c.layout.frame_width = (uint8_t)v[1];
	/* A huge bit lets every level above 1 hold a leaf. */
	c.highest_translation_level = c.layout.huge >= 0 ? c.nr_levels : 1;
	if ((rc = get_num(toy, "top_entries", false, 1ull << 40, &v[2], &present, err)))
		return rc;
	if (present && v[2] == 0)
		v[2] = 1; /* refused by check_top_entries with the others */
	if ((rc = check_geometry(toy, &c, present ? v[2] : 0, err)))
		return rc;
	c.partial_top = arch->geom->partial_top;
	c.concat_top_bits = arch->geom->concat_top_bits;
	if (paging_consts_derive(&c, err) || pt_arch_check_consts(arch, &c, err)) {
		/* The message starts with the key it is about. */
		char key[32];
		size_t n = strcspn(err->msg, ":");
		const struct ynode *at = NULL;

		if (n < sizeof(key)) {
			memcpy(key, err->msg, n);
			key[n] = '\0';
			at = ynode_get(toy, key);
		}
		/* Rules with two keys: blame the one this document wrote. */
		static const char *const pairs[][2] = { { "frame_width", "frame_shift" }, { "huge", "levels" } };
		for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
			const struct ynode *other = ynode_get(toy, pairs[i][1]);
			if (strcmp(key, pairs[i][0]) == 0 && at && at->file != primary && other &&
			    other->file == primary)
				at = other;
		}
		err->code = MM_EINVAL;
		ynode_prefix_error(err, at ? at : toy);
		return MM_EINVAL;
	}
	*pc = c;
	return MM_OK;
}
