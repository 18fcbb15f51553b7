/*
 * config_caches: reads and checks the `caches:` block (see config_caches.h).
 * Messages name the key by its path (caches.l2.sets), as config.c does.
 */
#include "config_caches.h"

#include <stdio.h>
#include <string.h>

#include "formats/cache_geometries.h"
#include "formats/number.h"

static int check_keys(const struct ynode *map, const char *path, const char *const *allowed, struct mm_error *err)
{
	for (const struct ypair *p = map->pairs; p; p = p->next) {
		const char *const *k = allowed;
		while (*k && strcmp(*k, p->key->str) != 0)
			k++;
		if (!*k)
			return ynode_error(err, p->key, "unknown key '%s' in %s", p->key->str, path);
	}
	return MM_OK;
}

/* map.key as a number of at most max; *present says whether it was there (absent and required: an error). */
static int get_num(const struct ynode *map, const char *path, const char *key, bool required, uint64_t max,
		   uint64_t *out, bool *present, struct mm_error *err)
{
	const struct ynode *n = ynode_get(map, key);
	enum number_status st;

	*present = n != NULL;
	if (!n)
		return required ? ynode_error(err, map, "missing key '%s' in %s", key, path) : MM_OK;
	if (n->kind != YNODE_SCALAR || !n->plain || (st = number_parse(n->str, true, out)) == NUMBER_INVALID) {
		const char *why = n->kind == YNODE_SCALAR && n->plain ? number_why_not(n->str) : NULL;
		if (why)
			return ynode_error(err, n, "expected a number for %s.%s ('%s' %s)", path, key, n->str, why);
		return ynode_error(err, n, "expected a number for %s.%s", path, key);
	}
	if (st == NUMBER_OVERFLOW)
		return ynode_error(err, n, "%s.%s is out of range (at most %llu)", path, key, (unsigned long long)max);
	if (*out > max)
		return ynode_error(err, n, "%s.%s %llu is out of range (at most %llu)", path, key,
				   (unsigned long long)*out, (unsigned long long)max);
	return MM_OK;
}

/* The spellings config.c takes for a boolean: true / yes and false / no, in three cases. */
static bool parse_bool(const struct ynode *n, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO" };

	for (unsigned i = 0; n->kind == YNODE_SCALAR && n->plain && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(n->str, yes[i]) == 0 || strcmp(n->str, no[i]) == 0) {
			*out = strcmp(n->str, yes[i]) == 0;
			return true;
		}
	}
	return false;
}

static int load_level(const struct ynode *n, const char *path, struct cache_config *out, struct mm_error *err)
{
	static const char *const keys[] = { "sets", "ways", "latency", "replacement", "seed", NULL };
	static const char *const policies[] = { "lru", "fifo", "random" };
	uint64_t sets, ways, latency, seed = 1;
	bool present;
	int rc;

	if (n->kind != YNODE_MAPPING)
		return ynode_error(err, n, "expected a mapping for %s", path);
	if ((rc = check_keys(n, path, keys, err)) ||
	    (rc = get_num(n, path, "sets", true, CONFIG_MAX_CACHE_LINES, &sets, &present, err)) ||
	    (rc = get_num(n, path, "ways", true, CONFIG_MAX_CACHE_LINES, &ways, &present, err)) ||
	    (rc = get_num(n, path, "latency", true, 1u << 20, &latency, &present, err)) ||
	    (rc = get_num(n, path, "seed", false, UINT64_MAX, &seed, &present, err)))
		return rc;
	if (sets == 0 || (sets & (sets - 1)))
		return ynode_error(err, ynode_get(n, "sets"), "%s.sets %llu must be a power of two", path,
				   (unsigned long long)sets);
	if (ways == 0)
		return ynode_error(err, ynode_get(n, "ways"), "%s.ways must be at least 1", path);
	if (sets * ways > CONFIG_MAX_CACHE_LINES)
		return ynode_error(err, ynode_get(n, "ways"), "%s holds %llu lines; at most %u", path,
				   (unsigned long long)(sets * ways), CONFIG_MAX_CACHE_LINES);
	*out = (struct cache_config){ .sets = (unsigned)sets, .ways = (unsigned)ways, .latency = (unsigned)latency,
				      .replacement = REPL_LRU, .seed = seed };
	const struct ynode *r = ynode_get(n, "replacement");
	if (!r)
		return MM_OK;
	if (r->kind != YNODE_SCALAR)
		return ynode_error(err, r, "expected a string for %s.replacement", path);
	for (unsigned i = 0; r->kind == YNODE_SCALAR && i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (strcmp(r->str, policies[i]) == 0) {
			out->replacement = (enum tlb_replacement)i;
			return MM_OK;
		}
	}
	return ynode_error(err, r, "unknown value '%s' for %s.replacement (expected lru | fifo | random)",
			   r->kind == YNODE_SCALAR ? r->str : "", path);
}

/* Starts *out from the geometry node n names (`caches: NAME` or `like: NAME`). */
static int load_like(const struct ynode *n, const char *arch, const char *path, struct cache_hierarchy_config *out,
		     struct mm_error *err)
{
	const struct cache_geometry *g;

	if (n->kind != YNODE_SCALAR)
		return ynode_error(err, n, "expected a geometry name for %s (" CACHE_GEOMETRY_NAMES ")", path);
	if (!(g = cache_geometry_find(n->str, arch))) {
		if (strcmp(n->str, "cpu") == 0)
			return ynode_error(err, n, "%s: cpu has no data-cache geometry for arch %s (name one: "
					   "skylake, u74, neoverse_n1; or give the levels)", path, arch ? arch : "?");
		return ynode_error(err, n, "unknown cache geometry '%s' for %s (expected " CACHE_GEOMETRY_NAMES ")",
				   n->str, path);
	}
	out->line_shift = g->line_shift;
	for (unsigned level = 0; level < CACHE_LEVELS; level++) {
		out->present[level] = g->present[level];
		out->level[level] = g->level[level];
	}
	return MM_OK;
}

int config_caches_load(const struct ynode *caches, const char *arch, struct cache_hierarchy_config *out,
		       struct mm_error *err)
{
	static const char *const keys[] = { "like", "line", "l1d", "l2", "llc", "data", NULL };
	uint64_t line = 64;
	bool present;
	int rc;

	memset(out, 0, sizeof(*out)); /* padding too: a config is plain data, copied whole */
	if (!caches)
		return MM_OK;
	out->line_shift = 6;
	if (caches->kind == YNODE_SCALAR) {
		if ((rc = load_like(caches, arch, "caches", out, err)))
			return rc;
		out->on = true;
		return MM_OK;
	}
	if (caches->kind != YNODE_MAPPING)
		return ynode_error(err, caches, "expected a mapping or a geometry name for caches");
	if ((rc = check_keys(caches, "caches", keys, err)))
		return rc;
	const struct ynode *like = ynode_get(caches, "like");
	if (like && (rc = load_like(like, arch, "caches.like", out, err)))
		return rc;
	if ((rc = get_num(caches, "caches", "line", false, UINT64_MAX, &line, &present, err)))
		return rc;
	if (present || !like) {
		if (line < 8 || line > 4096 || (line & (line - 1)))
			return ynode_error(err, ynode_get(caches, "line"),
					   "caches.line %llu must be a power of two from 8 to 4096", (unsigned long long)line);
		out->line_shift = (unsigned)__builtin_ctzll(line);
	}
	/* A level given replaces the geometry's whole. */
	for (unsigned level = 0; level < CACHE_LEVELS; level++) {
		const char *name = cache_level_name((enum cache_level)level);
		const struct ynode *n = ynode_get(caches, name);
		char path[32];
		if (!n)
			continue;
		snprintf(path, sizeof(path), "caches.%s", name);
		if ((rc = load_level(n, path, &out->level[level], err)))
			return rc;
		out->present[level] = true;
	}
	if (!out->present[CACHE_L1D] && !out->present[CACHE_L2] && !out->present[CACHE_LLC])
		return ynode_error(err, caches, "caches needs at least one of l1d, l2, llc (or like: a geometry)");
	const struct ynode *d = ynode_get(caches, "data");
	if (d && !parse_bool(d, &out->data))
		return ynode_error(err, d, "expected a boolean for caches.data");
	out->on = true;
	return MM_OK;
}
