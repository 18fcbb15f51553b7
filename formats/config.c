/*
 * config: machine descriptions from YAML (see config.h and DESIGN.md,
 * "Machine config").
 *
 * Loading runs in three steps:
 *   1. the text is parsed into a yaml_tree, which keeps the file, line and
 *      column of every node;
 *   2. if the document has a top-level `extends: PRESET`, that preset is parsed
 *      into the same arena and the document is merged over it (maps merge key
 *      by key, lists and scalars replace);
 *   3. the resulting tree is checked against the schema and every invariant,
 *      filling a struct machine_config that is copied out only when all checks
 *      pass.
 *
 * A violation is reported at the node that caused it, in whichever document
 * that node came from.  When a rule involves several keys (address_width =
 * nr_levels x index bits + offset bits, memory within phys_addr_width, user
 * and kernel ranges), the key the loaded document itself wrote is preferred
 * over one inherited from the preset: that is the one its author changed.
 *
 * Message conventions: "expected a number|boolean|string|mapping|sequence for
 * PATH", "unknown key 'K'[ in PATH]", "missing key 'K'[ in PATH]" (at the
 * enclosing mapping), where PATH is the dotted key path, e.g. memory.size.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/replacement.h"
#include "pt/pt_arch.h"
#include "formats/config_presets.h"
#include "formats/config_caches.h"
#include "formats/config_toy.h"
#include "formats/number.h"
#include "formats/yaml_tree.h"

/* The most physical memory a machine may declare (physmem's limit). */
#define CONFIG_MAX_MEM_SIZE (1ull << 52)
/* Config files larger than this are refused rather than read. */
#define CONFIG_MAX_FILE_SIZE (1u << 20)

/* ---- presets ---- */

const char *config_preset_text(const char *name)
{
	for (const struct config_preset *p = config_presets; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p->text;
	return NULL;
}

const char *const *config_preset_names(void)
{
	return config_preset_name_list;
}

/* "a, b, c": the preset names, for messages. */
static void list_presets(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct config_preset *p = config_presets; p->name && used < len; p++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", p->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* ---- scalar values ---- */

/* Returns false if `s` is not a number; sets *overflow if it is one but exceeds 64 bits. */
static bool parse_number(const char *s, uint64_t *out, bool *overflow)
{
	enum number_status st = number_parse(s, true, out);

	*overflow = st == NUMBER_OVERFLOW;
	return st != NUMBER_INVALID;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* ---- schema helpers ---- */

/* One load in progress. */
struct load {
	const struct ynode *root;  /* the (merged) top-level mapping */
	const char *primary;       /* file name of the document being loaded */
	struct mm_error *err;
};

/*
 * An error at node n.  A value the document inherits (from a preset or a
 * file it extends) is reported in the document's name, the place it came
 * from after: the user edits their file, not "aarch64.yaml", which they may
 * not have.
 */
static int __attribute__((format(printf, 3, 4))) config_error(const struct load *ld, const struct ynode *n,
							      const char *fmt, ...)
{
	char msg[sizeof(ld->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ld->primary || n->file == ld->primary)
		return ynode_error(ld->err, n, "%s", msg);
	return mm_error_set(ld->err, MM_EINVAL, "%s: %s (inherited from %s:%zu:%zu)", ld->primary, msg, n->file,
			    n->line + 1, n->column + 1);
}

/* "parent.key", or "key" at the top level. */
static const char *join(char *buf, size_t len, const char *parent, const char *key)
{
	if (parent && parent[0])
		snprintf(buf, len, "%s.%s", parent, key);
	else
		snprintf(buf, len, "%s", key);
	return buf;
}

static const char *kind_name(enum ynode_kind kind)
{
	switch (kind) {
	case YNODE_MAPPING:
		return "mapping";
	case YNODE_SEQUENCE:
		return "sequence";
	case YNODE_SCALAR:
		break;
	}
	return "string";
}

static int expect_kind(const struct load *ld, const struct ynode *n, enum ynode_kind kind,
		       const char *path)
{
	if (n->kind != kind)
		return config_error(ld, n, "expected a %s for %s", kind_name(kind), path);
	return MM_OK;
}

/* Rejects keys of mapping `map` (at `path`) missing from the NULL-terminated `allowed`. */
static int check_keys(const struct load *ld, const struct ynode *map, const char *path,
		      const char *const *allowed)
{
	for (const struct ypair *p = map->pairs; p; p = p->next) {
		const char *const *a;

		for (a = allowed; *a && strcmp(*a, p->key->str) != 0; a++)
			;
		if (*a)
			continue;
		if (path && path[0])
			return config_error(ld, p->key, "unknown key '%s' in %s", p->key->str,
					    path);
		return config_error(ld, p->key, "unknown key '%s'", p->key->str);
	}
	return MM_OK;
}

/* The value of `key` in `map`; a missing key is reported at the mapping. */
static int require(const struct load *ld, const struct ynode *map, const char *path,
		   const char *key, const struct ynode **out)
{
	if ((*out = ynode_get(map, key)))
		return MM_OK;
	if (path && path[0])
		return config_error(ld, map, "missing key '%s' in %s", key, path);
	/* Top level: the file is a fragment (as README shows them) or forgot its extends. */
	return config_error(ld, map,
			    "missing key '%s' (a config file gives every key, or starts with 'extends: PRESET', "
			    "e.g. 'extends: x86_64', and gives only what differs)", key);
}

static int get_number(const struct load *ld, const struct ynode *n, const char *path,
		      uint64_t max, uint64_t *out)
{
	bool overflow;

	/* A quoted "4096" is a string in YAML, and so it is here. */
	if (n->kind != YNODE_SCALAR || !n->plain || !parse_number(n->str, out, &overflow)) {
		const char *why = n->kind == YNODE_SCALAR && n->plain ? number_why_not(n->str) : NULL;
		if (why)
			return config_error(ld, n, "expected a number for %s ('%s' %s)", path, n->str, why);
		return config_error(ld, n, "expected a number for %s", path);
	}
	if (overflow || *out > max)
		return config_error(ld, n, "number out of range for %s (at most %llu)", path,
				    (unsigned long long)max);
	return MM_OK;
}

static int get_unsigned(const struct load *ld, const struct ynode *n, const char *path,
			unsigned *out)
{
	uint64_t v;
	int rc = get_number(ld, n, path, UINT_MAX, &v);

	if (!rc)
		*out = (unsigned)v;
	return rc;
}

static int get_bool(const struct load *ld, const struct ynode *n, const char *path, bool *out)
{
	if (n->kind != YNODE_SCALAR || !n->plain || !parse_bool(n->str, out))
		return config_error(ld, n, "expected a boolean for %s", path);
	return MM_OK;
}

/*
 * Of the nodes involved in a violation (most relevant first, NULLs skipped),
 * the first that the loaded document wrote itself, else the first.
 */
static const struct ynode *blame(const struct load *ld, const struct ynode *const *nodes,
				 size_t count)
{
	const struct ynode *first = NULL;

	for (size_t i = 0; i < count; i++) {
		if (!nodes[i])
			continue;
		if (nodes[i]->file == ld->primary)
			return nodes[i];
		if (!first)
			first = nodes[i];
	}
	return first ? first : ld->root;
}

/* The top-level keys that make up struct paging_consts. */
static const char *const consts_keys[] = {
	"base_page_size", "nr_levels", "pte_size", "address_width", "va_sign_ext",
	"highest_translation_level", "phys_addr_width", "upper_address_width",
};

#define NKEYS (sizeof(consts_keys) / sizeof(consts_keys[0]))

/*
 * The keys behind each paging_consts_derive() message, which starts with the
 * name of the key it is about.
 */
static const struct {
	const char *key;
	const char *involved[4];
} consts_rules[] = {
	{ "base_page_size", { "base_page_size" } },
	{ "pte_size", { "pte_size", "base_page_size" } },
	{ "nr_levels", { "nr_levels" } },
	{ "address_width", { "address_width", "nr_levels", "base_page_size", "pte_size" } },
	{ "highest_translation_level", { "highest_translation_level", "nr_levels" } },
	{ "phys_addr_width", { "phys_addr_width", "base_page_size" } },
	{ "upper_address_width", { "upper_address_width", "base_page_size", "pte_size" } },
};

/*
 * Prefixes the position of the most relevant node to the message that
 * paging_consts_derive() or pt_arch_check_consts() left in ld->err.
 * A derive message names its key first.  For an arch message, the keys it
 * mentions come first, then `arch`, then every paging constant: the preset
 * behind an `extends` is valid, so the culprit is among the keys the document
 * wrote, and blame() prefers those.
 */
static int place_error(const struct load *ld, const struct ynode *arch_node)
{
	const char *msg = ld->err->msg;
	const struct ynode *nodes[2 * NKEYS + 1];
	size_t n = 0, wlen = strcspn(msg, " :");

	for (size_t i = 0; i < sizeof(consts_rules) / sizeof(consts_rules[0]) && !n; i++) {
		if (strlen(consts_rules[i].key) != wlen || strncmp(consts_rules[i].key, msg, wlen))
			continue;
		for (size_t k = 0; k < 4 && consts_rules[i].involved[k]; k++)
			nodes[n++] = ynode_get(ld->root, consts_rules[i].involved[k]);
	}
	if (!n) {
		for (size_t k = 0; k < NKEYS; k++)
			if (strstr(msg, consts_keys[k]))
				nodes[n++] = ynode_get(ld->root, consts_keys[k]);
		nodes[n++] = arch_node;
		for (size_t k = 0; k < NKEYS; k++)
			nodes[n++] = ynode_get(ld->root, consts_keys[k]);
	}
	ld->err->code = MM_EINVAL;
	ynode_prefix_error(ld->err, blame(ld, nodes, n));
	return MM_EINVAL;
}

/* ---- the sections ---- */

static int load_name(const struct load *ld, struct machine_config *mc)
{
	const struct ynode *n;
	int rc;

	if ((rc = require(ld, ld->root, NULL, "name", &n)) ||
	    (rc = expect_kind(ld, n, YNODE_SCALAR, "name")))
		return rc;
	if (n->str[0] == '\0')
		return config_error(ld, n, "name must not be empty");
	if (strlen(n->str) >= sizeof(mc->name))
		return config_error(ld, n, "name is longer than %zu characters",
				    sizeof(mc->name) - 1);
	memcpy(mc->name, n->str, strlen(n->str) + 1);
	return MM_OK;
}

static int load_arch(const struct load *ld, struct machine_config *mc,
		     const struct ynode **arch_node)
{
	const struct ynode *n;
	int rc;

	if ((rc = require(ld, ld->root, NULL, "arch", &n)) ||
	    (rc = expect_kind(ld, n, YNODE_SCALAR, "arch")))
		return rc;
	if (!(mc->arch = pt_arch_find(n->str))) {
		char names[128];

		pt_arch_names(names, sizeof(names));
		return config_error(ld, n, "unknown arch '%s' (expected %s)", n->str, names);
	}
	*arch_node = n;
	return MM_OK;
}

static int load_paging_consts(const struct load *ld, struct machine_config *mc,
			      const struct ynode *arch_node)
{
	struct paging_consts *pc = &mc->pc;
	const struct ynode *root = ld->root, *n;
	const struct ynode *toy = ynode_get(root, "toy");
	uint64_t bps;
	int rc;

	/* A format described by data takes its constants from its `toy:` block. */
	if (mc->arch->layout_from_config || toy) {
		if (!toy)
			return config_error(ld, arch_node, "arch %s needs a toy: block describing its PTE",
					    mc->arch->name);
		if (!mc->arch->layout_from_config) {
			const struct ynode *involved[] = { toy, arch_node };

			return config_error(ld, blame(ld, involved, 2),
					    "a toy: block needs arch: %s, not %s", pt_arch_layout_from_config()->name,
					    mc->arch->name);
		}
		for (size_t k = 0; k < NKEYS; k++)
			if ((n = ynode_get(root, consts_keys[k])))
				return config_error(ld, n, "%s is set by the toy: block with arch %s",
						    consts_keys[k], mc->arch->name);
		return config_toy_load(toy, ld->primary, mc->arch, pc, ld->err);
	}
	/*
	 * Capped so that a node's entry count fits in `unsigned`; the real limits
	 * are paging_consts_derive's.
	 */
	if ((rc = require(ld, root, NULL, "base_page_size", &n)) ||
	    (rc = get_number(ld, n, "base_page_size", 1ull << 32, &bps)))
		return rc;
	pc->base_page_size = bps;

	static const struct {
		const char *key;
		size_t offset;
	} uints[] = {
		{ "nr_levels", offsetof(struct paging_consts, nr_levels) },
		{ "pte_size", offsetof(struct paging_consts, pte_size) },
		{ "address_width", offsetof(struct paging_consts, address_width) },
		{ "highest_translation_level",
		  offsetof(struct paging_consts, highest_translation_level) },
		{ "phys_addr_width", offsetof(struct paging_consts, phys_addr_width) },
	};
	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
		unsigned *field = (unsigned *)((char *)pc + uints[i].offset);

		if ((rc = require(ld, root, NULL, uints[i].key, &n)) ||
		    (rc = get_unsigned(ld, n, uints[i].key, field)))
			return rc;
	}
	if ((rc = require(ld, root, NULL, "va_sign_ext", &n)) ||
	    (rc = get_bool(ld, n, "va_sign_ext", &pc->va_sign_ext)))
		return rc;
	/* Optional: the upper half's own VA size on a format with a table per half (Arm 64 - T1SZ). */
	if ((n = ynode_get(root, "upper_address_width"))) {
		if (!mc->arch->geom->split_roots)
			return config_error(ld, n,
					    "upper_address_width is for formats with a table per VA half (aarch64), not %s",
					    mc->arch->name);
		if ((rc = get_unsigned(ld, n, "upper_address_width", &pc->upper_address_width)))
			return rc;
		if (!pc->upper_address_width)
			return config_error(ld, n, "upper_address_width must not be 0 (leave it out for the size of address_width)");
	}

	pc->partial_top = mc->arch->geom->partial_top;
	pc->wide_top_bits = mc->arch->geom->wide_top_bits;
	pc->concat_top_bits = mc->arch->geom->concat_top_bits;
	pc->split_halves = mc->arch->geom->split_roots;
	if (paging_consts_derive(pc, ld->err) ||
	    pt_arch_check_consts(mc->arch, pc, ld->err))
		return place_error(ld, arch_node);
	return MM_OK;
}

static int load_memory(const struct load *ld, struct machine_config *mc)
{
	static const char *const keys[] = { "base", "size", NULL };
	const struct ynode *mem, *base, *size;
	uint64_t bps = mc->pc.base_page_size;
	unsigned paw = mc->pc.phys_addr_width;
	int rc;

	if ((rc = require(ld, ld->root, NULL, "memory", &mem)) ||
	    (rc = expect_kind(ld, mem, YNODE_MAPPING, "memory")) ||
	    (rc = check_keys(ld, mem, "memory", keys)) ||
	    (rc = require(ld, mem, "memory", "base", &base)) ||
	    (rc = get_number(ld, base, "memory.base", UINT64_MAX, &mc->mem_base)) ||
	    (rc = require(ld, mem, "memory", "size", &size)) ||
	    (rc = get_number(ld, size, "memory.size", UINT64_MAX, &mc->mem_size)))
		return rc;

	if (mc->mem_base % bps)
		return config_error(ld, base,
				    "memory.base 0x%llx is not a multiple of base_page_size %llu",
				    (unsigned long long)mc->mem_base, (unsigned long long)bps);
	if (mc->mem_size == 0)
		return config_error(ld, size, "memory.size must not be 0");
	if (mc->mem_size % bps)
		return config_error(ld, size,
				    "memory.size 0x%llx is not a multiple of base_page_size %llu",
				    (unsigned long long)mc->mem_size, (unsigned long long)bps);
	if (mc->mem_size > CONFIG_MAX_MEM_SIZE)
		return config_error(ld, size, "memory.size 0x%llx exceeds 2^52 bytes",
				    (unsigned long long)mc->mem_size);

	const struct ynode *involved[] = { size, base, ynode_get(ld->root, "phys_addr_width") };
	/* The last byte, base + size - 1, must not wrap and must be below 2^paw. */
	if (mc->mem_base > UINT64_MAX - (mc->mem_size - 1))
		return config_error(ld, blame(ld, involved, 2),
				    "memory.base 0x%llx + memory.size 0x%llx overflows 64 bits",
				    (unsigned long long)mc->mem_base,
				    (unsigned long long)mc->mem_size);
	if (paw < 64 && mc->mem_base + (mc->mem_size - 1) >= (1ull << paw))
		return config_error(ld, blame(ld, involved, 3),
				    "memory.base 0x%llx + memory.size 0x%llx exceeds "
				    "2^phys_addr_width (2^%u)",
				    (unsigned long long)mc->mem_base,
				    (unsigned long long)mc->mem_size, paw);
	return MM_OK;
}

/* page_tables.KIND: fills *kc and returns the range node in *range. */
static int load_pt_kind(const struct load *ld, const struct ynode *pts, const char *kind,
			const struct paging_consts *pc, struct pt_kind_config *kc,
			const struct ynode **range)
{
	static const char *const keys[] = { "top_level_index_range", "top_level_can_unmap", NULL };
	char path[64], rpath[96], epath[112];
	const struct ynode *k, *r, *unmap, *end_node = NULL;
	int rc;

	join(path, sizeof(path), "page_tables", kind);
	join(rpath, sizeof(rpath), path, "top_level_index_range");
	if ((rc = require(ld, pts, "page_tables", kind, &k)) ||
	    (rc = expect_kind(ld, k, YNODE_MAPPING, path)) ||
	    (rc = check_keys(ld, k, path, keys)) ||
	    (rc = require(ld, k, path, "top_level_index_range", &r)) ||
	    (rc = expect_kind(ld, r, YNODE_SEQUENCE, rpath)))
		return rc;
	if (r->count != 2)
		return config_error(ld, r, "expected two numbers [start, end] for %s, got %zu",
				    rpath, r->count);
	for (size_t i = 0; i < 2; i++) {
		unsigned *field = i ? &kc->top_end : &kc->top_start;

		snprintf(epath, sizeof(epath), "%s[%zu]", rpath, i);
		end_node = ynode_item(r, i);
		if ((rc = get_unsigned(ld, end_node, epath, field)))
			return rc;
	}
	if (kc->top_start >= kc->top_end)
		return config_error(ld, r, "%s [%u, %u) is empty", rpath, kc->top_start,
				   kc->top_end);
	if (kc->top_end > pc->top_entries)
		return config_error(ld, end_node,
				    "%s end %u exceeds the %u entries of a top-level node", rpath,
				    kc->top_end, pc->top_entries);
	join(rpath, sizeof(rpath), path, "top_level_can_unmap");
	if ((rc = require(ld, k, path, "top_level_can_unmap", &unmap)) ||
	    (rc = get_bool(ld, unmap, rpath, &kc->top_can_unmap)))
		return rc;
	*range = r;
	return MM_OK;
}

static int load_page_tables(const struct load *ld, struct machine_config *mc)
{
	static const char *const keys[] = { "user", "kernel", NULL };
	const struct ynode *pts, *user_range, *kernel_range;
	const struct pt_kind_config *u = &mc->user, *k = &mc->kernel;
	struct paging_consts upper;
	int rc;

	if ((rc = require(ld, ld->root, NULL, "page_tables", &pts)) ||
	    (rc = expect_kind(ld, pts, YNODE_MAPPING, "page_tables")) ||
	    (rc = check_keys(ld, pts, "page_tables", keys)) ||
	    (rc = load_pt_kind(ld, pts, "user", &mc->pc, &mc->user, &user_range)))
		return rc;
	/* The kernel's table on a split-root format is the upper half's, whose top may be wider or narrower. */
	pc_half(&mc->pc, mc->arch->geom->split_roots, &upper);
	if ((rc = load_pt_kind(ld, pts, "kernel", &upper, &mc->kernel, &kernel_range)))
		return rc;
	/* Each half of a split-root format has a table of its own: the ranges index different nodes. */
	mc->kernel.upper_half = mc->arch->geom->split_roots;
	if (!mc->arch->geom->split_roots && u->top_start < k->top_end && k->top_start < u->top_end) {
		const struct ynode *involved[] = { kernel_range, user_range };

		return config_error(ld, blame(ld, involved, 2),
				    "user range [%u, %u) overlaps kernel range [%u, %u)",
				   u->top_start, u->top_end, k->top_start, k->top_end);
	}
	return MM_OK;
}

/* A value for one of the keys the format lists (pt_arch.cpu_keys). */
static int load_cpu_value(const struct load *ld, const struct ypair *p, const struct cpu_key *key,
			  uint64_t *value)
{
	char path[64], expected[128];
	bool b = false;
	uint64_t v;
	int rc;

	join(path, sizeof(path), "cpu", key->name);
	switch (key->type) {
	case CPU_KEY_BOOL:
		if ((rc = get_bool(ld, p->value, path, &b)))
			return rc;
		*value = b;
		return MM_OK;
	case CPU_KEY_U32:
		if ((rc = get_number(ld, p->value, path, UINT32_MAX, &v)))
			return rc;
		*value = (uint32_t)v;
		return MM_OK;
	case CPU_KEY_U64:
		return get_number(ld, p->value, path, UINT64_MAX, value);
	case CPU_KEY_CHOICE:
		if ((rc = expect_kind(ld, p->value, YNODE_SCALAR, path)))
			return rc;
		for (const struct cpu_key_choice *c = key->choices; c->name; c++)
			if (strcmp(p->value->str, c->name) == 0) {
				*value = c->value;
				return MM_OK;
			}
		cpu_key_choices_text(key, expected, sizeof(expected));
		return config_error(ld, p->value, "unknown %s '%s' for %s (expected %s)", key->what,
				    p->value->str, path, expected);
	}
	return MM_EINVAL;
}

static int load_cpu_key(const struct load *ld, const struct ypair *p, struct cpu_ctl *cpu,
			const struct pt_arch *arch)
{
	const struct cpu_key *key = cpu_key_find(arch->cpu_keys, p->key->str);
	uint64_t value = 0;
	int rc;

	if (!key) {
		const struct ynode *arch_node = ynode_get(ld->root, "arch");
		/* The preset's key met the file's arch: the file's arch is what to change. */
		if (pt_arch_any_cpu_key(p->key->str) && p->key->file != ld->primary && arch_node &&
		    arch_node->file == ld->primary)
			return config_error(ld, arch_node,
					    "arch %s does not take cpu key '%s' of the preset extended (%s:%zu): "
					    "extend a preset of arch %s",
					    arch->name, p->key->str, p->key->file, p->key->line + 1, arch->name);
		if (pt_arch_any_cpu_key(p->key->str))
			return config_error(ld, p->key, "cpu key '%s' does not apply to arch %s",
					    p->key->str, arch->name);
		return config_error(ld, p->key, "unknown key '%s' in cpu", p->key->str);
	}
	if ((rc = load_cpu_value(ld, p, key, &value)))
		return rc;
	cpu_key_store(key, cpu, value);
	return MM_OK;
}

/* Optional; every key the format lists starts at the default it lists. */
static int load_cpu(const struct load *ld, struct machine_config *mc)
{
	const struct ynode *cpu = ynode_get(ld->root, "cpu");
	int rc;

	cpu_ctl_defaults(&mc->cpu, mc->arch->cpu_keys);
	if (cpu) {
		if ((rc = expect_kind(ld, cpu, YNODE_MAPPING, "cpu")))
			return rc;
		for (const struct ypair *p = cpu->pairs; p; p = p->next)
			if ((rc = load_cpu_key(ld, p, &mc->cpu, mc->arch)))
				return rc;
	}
	if (mc->arch->check_ctl && mc->arch->check_ctl(&mc->pc, &mc->cpu, ld->err)) {
		/* Blame the control bit the document itself set, if any. */
		const struct ynode *involved[16] = { 0 };
		size_t n = 0;

		for (const struct ypair *p = cpu ? cpu->pairs : NULL; p && n < 15; p = p->next)
			involved[n++] = p->value;
		involved[n++] = cpu ? cpu : ld->root;
		ld->err->code = MM_EINVAL;
		ynode_prefix_error(ld->err, blame(ld, involved, n));
		return MM_EINVAL;
	}
	return MM_OK;
}

/* ---- TLBs and paging-structure caches ---- */

static int get_choice(const struct load *ld, const struct ynode *n, const char *path,
		      const char *const *names, unsigned *out)
{
	int rc = expect_kind(ld, n, YNODE_SCALAR, path);

	if (rc)
		return rc;
	for (unsigned i = 0; names[i]; i++) {
		if (strcmp(n->str, names[i]) == 0) {
			*out = i;
			return MM_OK;
		}
	}
	char list[128] = "";
	for (unsigned i = 0; names[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " | " : "", names[i]);
	return config_error(ld, n, "unknown value '%s' for %s (expected %s)", n->str, path, list);
}

/* entries / ways geometry shared by TLBs and PWCs; ways defaults to entries. */
static int load_geometry(const struct load *ld, const struct ynode *m, const char *path,
			 struct tlb_config *t)
{
	static const char *const repl[] = { "lru", "fifo", "random", "plru", "srrip", NULL };
	const struct ynode *n;
	char sub[96];
	uint64_t v;
	unsigned choice;
	int rc;

	if ((rc = require(ld, m, path, "entries", &n)) ||
	    (rc = get_number(ld, n, join(sub, sizeof(sub), path, "entries"), 1u << 20, &v)))
		return rc;
	if (v == 0)
		return config_error(ld, n, "%s must be at least 1", sub);
	t->entries = t->ways = (unsigned)v;
	if ((n = ynode_get(m, "ways"))) {
		if ((rc = get_number(ld, n, join(sub, sizeof(sub), path, "ways"), 1u << 20, &v)))
			return rc;
		if (v == 0 || v > t->entries || t->entries % v)
			return config_error(ld, n, "%s must divide entries (%u)", sub, t->entries);
		t->ways = (unsigned)v;
		unsigned sets = t->entries / t->ways;
		if (sets & (sets - 1))
			return config_error(ld, n,
					    "%s: entries / ways = %u sets, which is not a power of two",
					    path, sets);
	}
	t->replacement = REPL_LRU;
	if ((n = ynode_get(m, "replacement"))) {
		if ((rc = get_choice(ld, n, join(sub, sizeof(sub), path, "replacement"), repl, &choice)))
			return rc;
		t->replacement = (enum tlb_replacement)choice;
		if (t->replacement == REPL_PLRU && (t->ways & (t->ways - 1)))
			return config_error(ld, n, "%s: plru needs a power-of-two number of ways, not %u", sub,
					    t->ways);
	}
	t->latency = 1;
	if ((n = ynode_get(m, "latency")) &&
	    (rc = get_unsigned(ld, n, join(sub, sizeof(sub), path, "latency"), &t->latency)))
		return rc;
	t->seed = 1;
	if ((n = ynode_get(m, "seed")) &&
	    (rc = get_number(ld, n, join(sub, sizeof(sub), path, "seed"), UINT64_MAX, &t->seed)))
		return rc;
	return MM_OK;
}

/*
 * The leaf sizes the paging constants allow, bit s for 2^s bytes: a leaf at
 * level L maps base_page_size << (L-1) * index_bits bytes, for L = 1 up to
 * highest_translation_level.
 */
static uint64_t leaf_shift_mask(const struct paging_consts *pc)
{
	uint64_t mask = 0;

	for (unsigned level = 1; level <= pc->highest_translation_level; level++)
		mask |= 1ull << pc_index_shift(pc, level);
	return mask;
}

/* What a TLB may hold: the levels' sizes, and the larger spans the format's walk reports. */
static uint64_t tlb_shift_mask(const struct machine_config *mc)
{
	uint64_t mask = leaf_shift_mask(&mc->pc);

	return mask | pt_arch_span_shift_mask(mc->arch, &mc->pc);
}

/* A TLB's prefetch: { kind: next | sequential | distance, degree: N } and line_prefetch: BOOL, both optional. */
static int load_tlb_prefetch(const struct load *ld, const struct ynode *m, const char *path,
			     struct tlb_prefetch_config *pf)
{
	static const char *const keys[] = { "kind", "degree", NULL };
	static const char *const kinds[] = { "next", "sequential", "distance", NULL };
	const struct ynode *pm = ynode_get(m, "prefetch"), *n;
	char sub[96], key[112];
	unsigned choice;
	int rc;

	if ((n = ynode_get(m, "line_prefetch")) &&
	    (rc = get_bool(ld, n, join(sub, sizeof(sub), path, "line_prefetch"), &pf->line)))
		return rc;
	if (!pm)
		return MM_OK;
	join(sub, sizeof(sub), path, "prefetch");
	if ((rc = expect_kind(ld, pm, YNODE_MAPPING, sub)) || (rc = check_keys(ld, pm, sub, keys)) ||
	    (rc = require(ld, pm, sub, "kind", &n)) ||
	    (rc = get_choice(ld, n, join(key, sizeof(key), sub, "kind"), kinds, &choice)))
		return rc;
	pf->kind = (enum tlb_prefetch_kind)(TLB_PREFETCH_NEXT + choice);
	pf->degree = 1;
	if ((n = ynode_get(pm, "degree")) &&
	    (rc = get_unsigned(ld, n, join(key, sizeof(key), sub, "degree"), &pf->degree)))
		return rc;
	if (pf->degree < 1 || pf->degree > TLB_PREFETCH_MAX_DEGREE)
		return config_error(ld, n, "%s must be 1 to %d", key, TLB_PREFETCH_MAX_DEGREE);
	return MM_OK;
}

static int load_tlb(const struct load *ld, const struct ynode *m, const char *path,
		    const struct machine_config *mc, struct tlb_config *t)
{
	static const char *const keys[] = { "name", "level", "kind", "entries", "ways", "page_sizes",
					    "replacement", "latency", "seed", "prefetch", "line_prefetch", NULL };
	static const char *const kinds[] = { "instruction", "data", "unified", NULL };
	const struct ynode *n;
	char sub[96];
	unsigned choice;
	int rc;

	if ((rc = expect_kind(ld, m, YNODE_MAPPING, path)) || (rc = check_keys(ld, m, path, keys)) ||
	    (rc = require(ld, m, path, "name", &n)) ||
	    (rc = expect_kind(ld, n, YNODE_SCALAR, join(sub, sizeof(sub), path, "name"))))
		return rc;
	if (!n->str[0] || strlen(n->str) >= sizeof(t->name))
		return config_error(ld, n, "%s must be 1 to %zu characters", sub, sizeof(t->name) - 1);
	memcpy(t->name, n->str, strlen(n->str) + 1);
	if ((rc = require(ld, m, path, "level", &n)) ||
	    (rc = get_unsigned(ld, n, join(sub, sizeof(sub), path, "level"), &t->level)))
		return rc;
	if (t->level < 1 || t->level > 2)
		return config_error(ld, n, "%s must be 1 or 2", sub);
	if ((rc = require(ld, m, path, "kind", &n)) ||
	    (rc = get_choice(ld, n, join(sub, sizeof(sub), path, "kind"), kinds, &choice)))
		return rc;
	t->kind = (enum tlb_kind)choice;
	if ((rc = load_geometry(ld, m, path, t)) || (rc = require(ld, m, path, "page_sizes", &n)) ||
	    (rc = expect_kind(ld, n, YNODE_SEQUENCE, join(sub, sizeof(sub), path, "page_sizes"))))
		return rc;
	if (!n->items)
		return config_error(ld, n, "%s must name at least one page size", sub);
	uint64_t leaf_sizes = tlb_shift_mask(mc);
	for (const struct yitem *it = n->items; it; it = it->next) {
		uint64_t size;
		if ((rc = get_number(ld, it->node, sub, UINT64_MAX, &size)))
			return rc;
		/* Any other size is never the size of a leaf: such a TLB would stay empty. */
		if (size == 0 || size & (size - 1) || !(leaf_sizes & (1ull << __builtin_ctzll(size)))) {
			char sizes[160] = "";
			for (unsigned shift = 0; shift < 64; shift++)
				if (leaf_sizes >> shift & 1)
					snprintf(sizes + strlen(sizes), sizeof(sizes) - strlen(sizes), "%s%llu",
						 sizes[0] ? ", " : "", 1ull << shift);
			return config_error(ld, it->node,
					    "page size %llu in %s is not a page size of these paging constants (%s)",
					    (unsigned long long)size, sub, sizes);
		}
		/* As a duplicate key is: most likely a typo for another size. */
		if (t->shift_mask & 1ull << __builtin_ctzll(size))
			return config_error(ld, it->node, "page size %llu is listed twice in %s",
					    (unsigned long long)size, sub);
		t->shift_mask |= 1ull << __builtin_ctzll(size);
	}
	return load_tlb_prefetch(ld, m, path, &t->prefetch);
}

static int load_tlbs(const struct load *ld, struct machine_config *mc)
{
	const struct ynode *seq = ynode_get(ld->root, "tlb");
	char path[32];
	int rc;

	if (!seq)
		return MM_OK;
	if ((rc = expect_kind(ld, seq, YNODE_SEQUENCE, "tlb")))
		return rc;
	for (const struct yitem *it = seq->items; it; it = it->next) {
		struct tlb_config *t;
		if (mc->nr_tlb == CONFIG_MAX_TLBS)
			return config_error(ld, it->node, "at most %d TLBs", CONFIG_MAX_TLBS);
		snprintf(path, sizeof(path), "tlb[%u]", mc->nr_tlb);
		t = &mc->tlb[mc->nr_tlb];
		if ((rc = load_tlb(ld, it->node, path, mc, t)))
			return rc;
		for (unsigned i = 0; i < mc->nr_tlb; i++) {
			const struct tlb_config *o = &mc->tlb[i];
			if (strcmp(o->name, t->name) == 0)
				return config_error(ld, ynode_get(it->node, "name"),
						    "duplicate TLB name '%s'", t->name);
			/*
			 * The arrays of one level and access type are probed in parallel
			 * and a fill goes to the one holding the page's size: each size
			 * must have one home.
			 */
			bool both_i = o->kind != TLB_DATA && t->kind != TLB_DATA;
			bool both_d = o->kind != TLB_INSTRUCTION && t->kind != TLB_INSTRUCTION;
			uint64_t common = o->shift_mask & t->shift_mask;
			if (o->level == t->level && (both_i || both_d) && common)
				return config_error(ld, ynode_get(it->node, "page_sizes"),
						    "TLBs '%s' and '%s' both hold %llu-byte pages for %s accesses at level %u",
						    o->name, t->name,
						    (unsigned long long)1 << __builtin_ctzll(common),
						    both_i ? "instruction" : "data", t->level);
		}
		mc->nr_tlb++;
	}
	return MM_OK;
}

static int load_pwcs(const struct load *ld, struct machine_config *mc)
{
	static const char *const keys[] = { "level", "entries", "ways", "replacement", "latency",
					    "seed", NULL };
	const struct ynode *seq = ynode_get(ld->root, "pwc"), *n;
	char path[32], sub[96];
	/* The upper half's table may be the deeper one (Arm T1SZ below T0SZ). */
	unsigned levels = mc->pc.nr_levels > mc->pc.upper_nr_levels ? mc->pc.nr_levels : mc->pc.upper_nr_levels;
	int rc;

	if (!seq)
		return MM_OK;
	if ((rc = expect_kind(ld, seq, YNODE_SEQUENCE, "pwc")))
		return rc;
	for (const struct yitem *it = seq->items; it; it = it->next) {
		struct tlb_config *t = &mc->pwc[mc->nr_pwc];
		snprintf(path, sizeof(path), "pwc[%u]", mc->nr_pwc);
		if ((rc = expect_kind(ld, it->node, YNODE_MAPPING, path)) ||
		    (rc = check_keys(ld, it->node, path, keys)) ||
		    (rc = require(ld, it->node, path, "level", &n)) ||
		    (rc = get_unsigned(ld, n, join(sub, sizeof(sub), path, "level"), &t->level)))
			return rc;
		/* Level-1 entries are always leaves: there is nothing to cache below them. */
		if (t->level < 2 || t->level > levels)
			return config_error(ld, n, "%s must be between 2 and nr_levels (%u)", sub, levels);
		for (unsigned i = 0; i < mc->nr_pwc; i++)
			if (mc->pwc[i].level == t->level)
				return config_error(ld, n, "a second paging-structure cache for level %u",
						    t->level);
		if ((rc = load_geometry(ld, it->node, path, t)))
			return rc;
		snprintf(t->name, sizeof(t->name), "pwc-l%u", t->level);
		t->kind = TLB_UNIFIED;
		t->shift_mask = 1ull << pc_index_shift(&mc->pc, t->level);
		mc->nr_pwc++;
	}
	return MM_OK;
}

/* Every CPU gets its own copy of the caches: keep one CPU's worth sane. */
#define CONFIG_MAX_CACHE_ENTRIES (1u << 22)

static int check_cache_total(const struct load *ld, const struct machine_config *mc)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < mc->nr_tlb; i++)
		total += mc->tlb[i].entries;
	for (unsigned i = 0; i < mc->nr_pwc; i++)
		total += mc->pwc[i].entries;
	if (total > CONFIG_MAX_CACHE_ENTRIES)
		return config_error(ld, ynode_get(ld->root, "tlb") ? ynode_get(ld->root, "tlb") : ld->root,
				    "TLBs and PWCs hold %llu entries in all; at most %u per CPU",
				    (unsigned long long)total, CONFIG_MAX_CACHE_ENTRIES);
	return MM_OK;
}

static int load_memory_latency(const struct load *ld, struct machine_config *mc)
{
	const struct ynode *n = ynode_get(ld->root, "memory_latency");

	mc->memory_latency = 100;
	return n ? get_unsigned(ld, n, "memory_latency", &mc->memory_latency) : MM_OK;
}

/*
 * The `stage2:` block: the host's stage-2 format, read with the same rules
 * as the top level's (its keys, its memory, its cpu bits), and the guest's
 * RAM, which must lie within the GPAs stage 2 translates.
 */
/*
 * A message from the rules load_stage2 shares with the top level names a key
 * as the top level would ("memory.size"): after its FILE:LINE:COLUMN, say
 * that it is stage 2's ("in stage2: memory.size ..."), not the guest's.
 */
static int in_stage2(struct mm_error *err, int rc)
{
	char msg[sizeof(err->msg)];
	const char *p = err->msg;
	size_t at;

	/* Past the first ":LINE:COLUMN: ". */
	while ((p = strchr(p, ':'))) {
		unsigned line, column;
		int n = 0;
		if (sscanf(p, ":%u:%u: %n", &line, &column, &n) == 2 && n > 0) {
			p += n;
			break;
		}
		p++;
	}
	if (!p)
		return rc;
	at = (size_t)(p - err->msg);
	snprintf(msg, sizeof(msg), "%.*sin stage2: %s", (int)at, err->msg, p);
	memcpy(err->msg, msg, sizeof(msg));
	return rc;
}

static int load_stage2(const struct load *ld, struct machine_config *mc)
{
	static const char *const keys[] = {
		"arch", "base_page_size", "nr_levels", "pte_size", "address_width", "va_sign_ext",
		"highest_translation_level", "phys_addr_width", "memory", "cpu", "back_guest_memory",
		"backing_page_size", "tlb", "pwc", NULL,
	};
	const struct ynode *s2 = ynode_get(ld->root, "stage2"), *arch_node = NULL, *n;
	struct load sub = *ld;
	struct machine_config host;
	struct stage2_config *out = &mc->stage2;
	unsigned gpa_bits;
	int rc;

	if (!s2)
		return MM_OK;
	if ((rc = expect_kind(ld, s2, YNODE_MAPPING, "stage2")) || (rc = check_keys(ld, s2, "stage2", keys)))
		return rc;
	memset(&host, 0, sizeof(host));
	sub.root = s2;
	if ((rc = load_arch(&sub, &host, &arch_node)))
		return in_stage2(ld->err, rc);
	if (!host.arch->stage2_report) {
		char names[128];

		pt_arch_stage2_names(names, sizeof(names));
		return config_error(ld, arch_node, "arch %s is not a stage-2 format (stage2.arch may be %s)",
				    host.arch->name, names);
	}
	if ((rc = load_paging_consts(&sub, &host, arch_node)) || (rc = load_memory(&sub, &host)) ||
	    (rc = load_cpu(&sub, &host)) || (rc = load_tlbs(&sub, &host)) || (rc = load_pwcs(&sub, &host)))
		return in_stage2(ld->err, rc);
	memcpy(out->pwc, host.pwc, sizeof(out->pwc));
	out->nr_pwc = host.nr_pwc;
	/* One array: the nested TLB every stage-2 walk of the MMU looks up first. */
	if (host.nr_tlb > 1)
		return config_error(ld, ynode_item(ynode_get(s2, "tlb"), 1),
				    "stage2.tlb holds one array, the nested TLB (GPA -> host PA)");
	if (host.nr_tlb && (host.tlb[0].kind != TLB_UNIFIED || host.tlb[0].level != 1))
		return config_error(ld, ynode_item(ynode_get(s2, "tlb"), 0),
				    "stage2.tlb's nested TLB is level 1 and unified (it serves every stage-2 walk)");
	out->has_tlb = host.nr_tlb == 1;
	out->tlb = host.tlb[0];
	out->arch = host.arch;
	out->pc = host.pc;
	out->cpu = host.cpu;
	out->mem_base = host.mem_base;
	out->mem_size = host.mem_size;
	out->back_guest_memory = true;
	if ((n = ynode_get(s2, "back_guest_memory")) &&
	    (rc = get_bool(ld, n, "stage2.back_guest_memory", &out->back_guest_memory)))
		return rc;
	/* A stage-2 leaf size: the 2-D walk is longest over base pages, shortest over the largest. */
	out->backing_page_size = out->pc.base_page_size;
	if ((n = ynode_get(s2, "backing_page_size"))) {
		uint64_t size;
		bool leaf = false;

		if ((rc = get_number(ld, n, "stage2.backing_page_size", UINT64_MAX, &size)))
			return rc;
		for (unsigned level = 1; level <= out->pc.highest_translation_level; level++)
			leaf = leaf || pc_page_size(&out->pc, level) == size;
		if (!leaf)
			return config_error(ld, n, "stage2.backing_page_size %llu is not a leaf size of the stage-2 format",
					    (unsigned long long)size);
		if ((mc->mem_base | mc->mem_size) & (size - 1))
			return config_error(ld, n,
					    "stage2.backing_page_size %llu does not divide guest memory [0x%llx, +0x%llx)",
					   (unsigned long long)size, (unsigned long long)mc->mem_base,
					   (unsigned long long)mc->mem_size);
		out->backing_page_size = size;
	}
	/* Guest RAM is guest-physical: stage 2 must be able to translate all of it. */
	gpa_bits = out->pc.address_width;
	if (gpa_bits < 64 && mc->mem_base + (mc->mem_size - 1) >= (1ull << gpa_bits)) {
		const struct ynode *mem = ynode_get(ld->root, "memory");
		const struct ynode *const why[] = { mem ? ynode_get(mem, "size") : NULL,
						    mem ? ynode_get(mem, "base") : NULL, mem };

		return config_error(ld, blame(ld, why, 3),
				    "guest memory [0x%llx, 0x%llx] exceeds the %u-bit guest-physical addresses of stage 2",
				    (unsigned long long)mc->mem_base,
				    (unsigned long long)(mc->mem_base + (mc->mem_size - 1)), gpa_bits);
	}
	return MM_OK;
}

/* os: { resident_pages: N, replacement: POLICY, seed: S, clock_flush: BOOL }: the OS layer's defaults. */
static int load_os(const struct load *ld, struct machine_config *mc)
{
	static const char *const keys[] = { "resident_pages", "replacement", "seed", "clock_flush", NULL };
	const struct ynode *os = ynode_get(ld->root, "os"), *n;
	unsigned choice;
	bool flush = true;
	int rc;

	if (!os)
		return MM_OK;
	if ((rc = expect_kind(ld, os, YNODE_MAPPING, "os")) || (rc = check_keys(ld, os, "os", keys)))
		return rc;
	if ((n = ynode_get(os, "resident_pages"))) {
		if ((rc = get_number(ld, n, "os.resident_pages", UINT64_MAX, &mc->os.resident_pages)))
			return rc;
		if (!mc->os.resident_pages)
			return config_error(ld, n, "os.resident_pages must be at least 1");
	}
	if ((n = ynode_get(os, "replacement"))) {
		if ((rc = get_choice(ld, n, "os.replacement", replacement_names, &choice)))
			return rc;
		mc->os.replacement = replacement_names[choice];
	}
	if ((n = ynode_get(os, "seed")) && (rc = get_number(ld, n, "os.seed", UINT64_MAX, &mc->os.seed)))
		return rc;
	if ((n = ynode_get(os, "clock_flush")) && (rc = get_bool(ld, n, "os.clock_flush", &flush)))
		return rc;
	mc->os.no_clock_flush = !flush;
	return MM_OK;
}

static int build_config(const struct load *ld, struct machine_config *out)
{
	static const char *const keys[] = {
		"extends", "name", "arch", "base_page_size", "nr_levels", "pte_size",
		"address_width", "va_sign_ext", "highest_translation_level", "phys_addr_width",
		"upper_address_width", "memory", "page_tables", "cpu", "tlb", "pwc", "memory_latency", "toy",
		"stage2", "os", "caches", NULL,
	};
	struct machine_config mc;
	const struct ynode *arch_node = NULL;
	int rc;

	memset(&mc, 0, sizeof(mc));
	if ((rc = check_keys(ld, ld->root, NULL, keys)) ||
	    (rc = load_name(ld, &mc)) ||
	    (rc = load_arch(ld, &mc, &arch_node)) ||
	    (rc = load_paging_consts(ld, &mc, arch_node)) ||
	    (rc = load_memory(ld, &mc)) ||
	    (rc = load_page_tables(ld, &mc)) ||
	    (rc = load_cpu(ld, &mc)) ||
	    (rc = load_tlbs(ld, &mc)) ||
	    (rc = load_pwcs(ld, &mc)) ||
	    (rc = check_cache_total(ld, &mc)) ||
	    (rc = load_memory_latency(ld, &mc)) ||
	    (rc = config_caches_load(ynode_get(ld->root, "caches"), mc.arch ? mc.arch->name : NULL, &mc.caches, ld->err)) ||
	    (rc = load_stage2(ld, &mc)) ||
	    (rc = load_os(ld, &mc)))
		return rc;
	*out = mc;
	return MM_OK;
}

/* ---- documents and extends ---- */

/* A path or a YAML file name: what a user who read configs/ may write after extends. */
static bool looks_like_a_file(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') || (len > 5 && strcmp(s + len - 5, ".yaml") == 0) ||
	       (len > 4 && strcmp(s + len - 4, ".yml") == 0);
}

/* extends names a preset only: say so, and which preset a configs/NAME.yaml is. */
static int extends_a_file(struct mm_error *err, const struct ynode *ext, const char *names)
{
	const char *base = strrchr(ext->str, '/') ? strrchr(ext->str, '/') + 1 : ext->str;
	const char *dot = strrchr(base, '.');
	char preset[64];

	snprintf(preset, sizeof(preset), "%.*s", dot ? (int)(dot - base) : (int)strlen(base), base);
	if (dot && config_preset_text(preset))
		return ynode_error(err, ext, "extends takes a preset name, not a file: '%s' (did you mean "
				   "'extends: %s'?)", ext->str, preset);
	return ynode_error(err, ext, "extends takes a preset name, not a file: '%s' (known: %s)", ext->str,
			   names);
}

/*
 * Parses `text` into `t` and resolves its `extends`, if any (only when
 * `may_extend`: presets do not extend).  Fills *root with the mapping to check
 * and *primary with the file name the document's own nodes carry.
 */
static int load_tree(struct ytree *t, const char *text, size_t len, const char *file,
		     bool may_extend, struct ynode **root, const char **primary,
		     struct mm_error *err)
{
	struct ynode *doc, *base;
	const struct ynode *ext;
	const char *base_text, *base_primary;
	char base_file[128];
	int rc;

	if ((rc = ytree_parse(t, text, len, file, &doc, err)))
		return rc;
	if (!doc)
		return mm_error_set(err, MM_EINVAL, "%s:1:1: expected a mapping at the top level",
				    file);
	if (doc->kind != YNODE_MAPPING)
		return ynode_error(err, doc, "expected a mapping at the top level");
	*primary = doc->file;
	*root = doc;
	if (!(ext = ynode_get(doc, "extends")))
		return MM_OK;
	if (!may_extend)
		return ynode_error(err, ext, "a preset cannot extend another preset");
	if (ext->kind != YNODE_SCALAR)
		return ynode_error(err, ext, "expected a preset name for extends");
	if (!(base_text = config_preset_text(ext->str))) {
		char names[200];

		list_presets(names, sizeof(names));
		if (looks_like_a_file(ext->str))
			return extends_a_file(err, ext, names);
		return ynode_error(err, ext, "unknown preset '%s' in extends (known: %s)", ext->str,
				   names);
	}
	snprintf(base_file, sizeof(base_file), "%s.yaml", ext->str);
	if ((rc = load_tree(t, base_text, strlen(base_text), base_file, false, &base,
			    &base_primary, err)))
		return rc;
	return ytree_merge(t, base, doc, root, err);
}

int config_load_string(const char *text, size_t len, const char *filename,
		       struct machine_config *out, struct mm_error *err)
{
	struct mm_error local;
	struct ytree t;
	struct ynode *root;
	struct load ld = { .err = err ? err : &local };
	int rc;

	ytree_init(&t);
	rc = load_tree(&t, text, len, filename, true, &root, &ld.primary, ld.err);
	if (!rc) {
		ld.root = root;
		rc = build_config(&ld, out);
	}
	ytree_free(&t);
	return rc;
}

int config_load_preset(const char *name, struct machine_config *out, struct mm_error *err)
{
	const char *text = config_preset_text(name);
	char file[128];

	if (!text) {
		char names[200];

		list_presets(names, sizeof(names));
		return mm_error_set(err, MM_EINVAL, "unknown preset '%s' (known: %s)", name, names);
	}
	snprintf(file, sizeof(file), "%s.yaml", name);
	return config_load_string(text, strlen(text), file, out, err);
}

/*
 * Reads all of `path` into a malloc'd buffer.  Only a regular file: a FIFO or
 * a device would block or never end, so it is opened without blocking and
 * refused after fstat.
 */
static int read_file(const char *path, char **text, size_t *len, struct mm_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t used = 0;
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return mm_error_set(err, MM_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;

		close(fd);
		return mm_error_set(err, MM_EIO, "%s: cannot read: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return mm_error_set(err, MM_EINVAL, "%s: not a regular file (a FIFO or a device cannot be a config)", path);
	}
	if (st.st_size > CONFIG_MAX_FILE_SIZE) {
		close(fd);
		return mm_error_set(err, MM_EINVAL, "%s: larger than %u bytes", path, CONFIG_MAX_FILE_SIZE);
	}
	/* One byte more than the limit tells a file that grew since fstat. */
	if (!(buf = malloc(CONFIG_MAX_FILE_SIZE + 1))) {
		close(fd);
		return mm_error_set(err, MM_ENOMEM, "%s: out of memory", path);
	}
	while (used <= CONFIG_MAX_FILE_SIZE &&
	       ((n = read(fd, buf + used, CONFIG_MAX_FILE_SIZE + 1 - used)) > 0 || (n < 0 && errno == EINTR)))
		used += n > 0 ? (size_t)n : 0;
	if (used <= CONFIG_MAX_FILE_SIZE && n < 0) {
		int e = errno;

		free(buf);
		close(fd);
		return mm_error_set(err, MM_EIO, "%s: cannot read: %s", path, strerror(e));
	}
	close(fd);
	if (used > CONFIG_MAX_FILE_SIZE) {
		free(buf);
		return mm_error_set(err, MM_EINVAL, "%s: larger than %u bytes", path, CONFIG_MAX_FILE_SIZE);
	}
	*text = buf;
	*len = used;
	return MM_OK;
}

int config_load_file(const char *path, struct machine_config *out, struct mm_error *err)
{
	char *text = NULL;   /* set on MM_OK only; GCC -O3 cannot see that */
	size_t len = 0;
	int rc;

	if ((rc = read_file(path, &text, &len, err)))
		return rc;
	rc = config_load_string(text, len, path, out, err);
	free(text);
	return rc;
}

int config_load(const char *name_or_path, struct machine_config *out, struct mm_error *err)
{
	struct stat st;

	if (config_preset_text(name_or_path))
		return config_load_preset(name_or_path, out, err);
	/* A mistyped preset name ("x86-64") is the usual way to get here: name them.  (stat, not
	 * open: opening a FIFO would block before config_load_file can refuse it.) */
	if (stat(name_or_path, &st) != 0 && errno == ENOENT) {
		char names[200];

		list_presets(names, sizeof(names));
		return mm_error_set(err, MM_EIO, "%s: no such file or preset (presets: %s)", name_or_path,
				    names);
	}
	return config_load_file(name_or_path, out, err);
}
