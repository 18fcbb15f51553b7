/* trace_text: parser for the text trace format (see trace_text.h). */
#include "trace_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "pt/pte_fields.h"
#include "sim/machine.h"
#include "sim/mmu.h"

#define MAX_FIELDS (3 + TRACE_TEXT_LINE_EVENTS)

static int split_fields(char *line, char **fields)
{
	int n = 0;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		fields[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	return n;
}

static int parse_num(const char *s, const char *what, bool size, uint64_t *out, struct mm_error *err)
{
	switch (number_parse(s, size, out)) {
	case NUMBER_OK:
		return MM_OK;
	case NUMBER_OVERFLOW:
		return mm_error_set(err, MM_EINVAL, "%s '%s' does not fit in 64 bits", what, s);
	default:
		return mm_error_set(err, MM_EINVAL, "bad %s '%s' (expected decimal or 0x-hex%s)", what, s,
				    size ? ", optionally with K, M, G or T" : "");
	}
}

int trace_parse_flags(const char *s, struct page_prop *prop, struct mm_error *err)
{
	static const struct { char c; uint32_t flag; } letters[] = {
		{ 'r', PROP_R }, { 'w', PROP_W }, { 'x', PROP_X }, { 'u', PROP_U },
		{ 'g', PROP_G }, { 'a', PROP_A }, { 'd', PROP_D },
	};
	uint32_t flags = 0;

	for (const char *p = s; *p; p++) {
		size_t i;
		if (*p == '-')
			continue;
		for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
			if (letters[i].c == *p)
				break;
		if (i == sizeof(letters) / sizeof(letters[0]))
			return mm_error_set(err, MM_EINVAL,
					    "bad flag '%c' in '%s' (flags are letters of r w x u g a d)", *p, s);
		flags |= letters[i].flag;
	}
	prop->flags = flags;
	return MM_OK;
}

static int parse_cache(const char *s, struct page_prop *prop, struct mm_error *err)
{
	if (strncmp(s, "cache=", 6) != 0 || cache_policy_parse(s + 6, &prop->cache) != 0)
		return mm_error_set(err, MM_EINVAL, "bad option '%s' (expected cache=wb|wt|uc|wc|wp)", s);
	return MM_OK;
}

static int want_fields(int n, int min, int max, const char *usage, struct mm_error *err)
{
	if (n < min)
		return mm_error_set(err, MM_EINVAL, "missing field: usage is '%s'", usage);
	if (n > max)
		return mm_error_set(err, MM_EINVAL, "too many fields: usage is '%s'", usage);
	return MM_OK;
}

static int parse_asid(const char *s, uint32_t *out, struct mm_error *err)
{
	uint64_t v;

	if (parse_num(s, "ASID", false, &v, err))
		return MM_EINVAL;
	if (v > 0xffff)
		return mm_error_set(err, MM_EINVAL, "asid %llu is out of range (at most 65535)", (unsigned long long)v);
	*out = (uint32_t)v;
	return MM_OK;
}

/*
 * tlbi OP [va VA] [asid N]: Arm's TLB maintenance instructions of the EL1&0
 * regime (Arm ARM DDI 0487, "TLB maintenance instructions").  OP names the
 * scope; an "is" suffix (Inner Shareable) broadcasts it to every CPU.
 */
static int parse_tlbi(char *const *f, int n, struct trace_event *cmd, struct mm_error *err)
{
	static const struct { const char *name; unsigned scope; } ops[] = {
		{ "vmalle1", FLUSH_ALL },
		{ "aside1", FLUSH_ASID },
		{ "vae1", FLUSH_VA_ASID_GLOBAL },
		{ "vaae1", FLUSH_VA },
		{ "vale1", FLUSH_VA_ASID_GLOBAL | FLUSH_LAST_LEVEL },
		{ "vaale1", FLUSH_VA | FLUSH_LAST_LEVEL },
	};
	char usage[64];
	size_t i;

	cmd->op = TRACE_FLUSH;
	if (n < 2) {
		mm_error_set(err, MM_EINVAL, "missing field: usage is 'tlbi OP [va VA] [asid N]'");
		return TRACE_LINE_BAD;
	}
	const char *op = f[1];
	const size_t len = strlen(op);
	const bool shared = len > 2 && strcmp(op + len - 2, "is") == 0;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].name) == len - (shared ? 2 : 0) && strncmp(op, ops[i].name, strlen(ops[i].name)) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		mm_error_set(err, MM_EINVAL,
			     "unknown tlbi operation '%s' (expected vmalle1, aside1, vae1, vaae1, vale1 or vaale1, "
			     "optionally with 'is')", op);
		return TRACE_LINE_BAD;
	}
	cmd->scope = (uint8_t)(ops[i].scope | (shared ? FLUSH_ALL_CPUS : 0));
	const bool want_va = flush_scope_has_va(cmd->scope), want_asid = flush_scope_has_asid(cmd->scope);
	snprintf(usage, sizeof(usage), "tlbi %s%s%s", op, want_va ? " va VA" : "", want_asid ? " asid N" : "");
	if (n != 2 + 2 * want_va + 2 * want_asid) {
		mm_error_set(err, MM_EINVAL, "bad tlbi %s: usage is '%s'", op, usage);
		return TRACE_LINE_BAD;
	}
	bool has_va = false, has_asid = false;
	for (int k = 2; k < n; k += 2) {
		if (strcmp(f[k], "va") == 0 && want_va && !has_va) {
			has_va = true;
			if (parse_num(f[k + 1], "VA", false, &cmd->va, err))
				return TRACE_LINE_BAD;
		} else if (strcmp(f[k], "asid") == 0 && want_asid && !has_asid) {
			has_asid = true;
			if (parse_asid(f[k + 1], &cmd->n, err))
				return TRACE_LINE_BAD;
		} else {
			mm_error_set(err, MM_EINVAL, "bad tlbi %s argument '%s': usage is '%s'", op, f[k], usage);
			return TRACE_LINE_BAD;
		}
	}
	return TRACE_LINE_EVENT;
}

/* size=4K: a power of two, kept as its log2. */
static int parse_page_size(const char *s, uint16_t *log2, struct mm_error *err)
{
	uint64_t v;

	if (parse_num(s, "page size", true, &v, err))
		return MM_EINVAL;
	if (v < 2 || (v & (v - 1)))
		return mm_error_set(err, MM_EINVAL, "bad page size '%s' (expected a power of two, such as 4K or 2M)", s);
	*log2 = (uint16_t)__builtin_ctzll(v);
	return MM_OK;
}

static int parse_level(const char *s, uint32_t *out, struct mm_error *err)
{
	uint64_t v;

	if (parse_num(s, "level", false, &v, err))
		return MM_EINVAL;
	if (v < 1 || v > 8)
		return mm_error_set(err, MM_EINVAL, "level %s is out of range (levels count from 1, the leaf, up to the root)", s);
	*out = (uint32_t)v;
	return MM_OK;
}

/* poke PA VALUE [SIZE], set-pte VA LEVEL VALUE, pte VA LEVEL NAME=VALUE...: one event each, pte one per field. */
static int parse_authoring(char *const *f, int n, struct trace_event *ev, struct mm_error *err)
{
	memset(ev, 0, sizeof(*ev));
	if (strcmp(f[0], "poke") == 0) {
		uint64_t size = 0;
		ev->op = TRACE_POKE;
		if (want_fields(n, 3, 4, "poke PA VALUE [1|2|4|8]", err) || parse_num(f[1], "PA", false, &ev->pa, err) ||
		    parse_num(f[2], "value", false, &ev->len, err) || (n == 4 && parse_num(f[3], "size", false, &size, err)))
			return -1;
		if (n == 4 && size != 1 && size != 2 && size != 4 && size != 8) {
			mm_error_set(err, MM_EINVAL, "bad poke size '%s' (expected 1, 2, 4 or 8 bytes)", f[3]);
			return -1;
		}
		if (size && size < 8 && ev->len >> (8 * size)) {
			mm_error_set(err, MM_EINVAL, "poke value %s does not fit in %s byte%s", f[2], f[3], size == 1 ? "" : "s");
			return -1;
		}
		ev->size = (uint8_t)size;
		return 1;
	}
	if (strcmp(f[0], "set-pte") == 0) {
		ev->op = TRACE_SET_PTE;
		if (want_fields(n, 4, 4, "set-pte VA LEVEL VALUE", err) || parse_num(f[1], "VA", false, &ev->va, err) ||
		    parse_level(f[2], &ev->n, err) || parse_num(f[3], "value", false, &ev->len, err))
			return -1;
		return 1;
	}
	/* pte */
	ev->op = TRACE_PTE_FIELD;
	if (n == MAX_FIELDS + 1) {
		mm_error_set(err, MM_EINVAL, "too many fields: a pte line sets at most %d (write a second line)",
			     TRACE_TEXT_LINE_EVENTS);
		return -1;
	}
	if (want_fields(n, 4, MAX_FIELDS, "pte VA LEVEL FIELD=VALUE...", err) ||
	    parse_num(f[1], "VA", false, &ev->va, err) || parse_level(f[2], &ev->n, err))
		return -1;
	for (int i = 3; i < n; i++) {
		char *eq = strchr(f[i], '=');
		struct trace_event *e = &ev[i - 3];
		if (!eq || eq == f[i]) {
			mm_error_set(err, MM_EINVAL, "bad pte field '%s' (expected NAME=VALUE, such as rw=0)", f[i]);
			return -1;
		}
		*eq = '\0';
		*e = ev[0];
		if (!pte_field_name_pack(f[i], &e->pa)) {
			mm_error_set(err, MM_EINVAL, "bad pte field name '%s' (names are at most %d letters, digits or '_')",
				     f[i], PTE_FIELD_NAME_MAX);
			return -1;
		}
		if (parse_num(eq + 1, "field value", false, &e->len, err))
			return -1;
	}
	return n - 3;
}

/* Does the line's first word name poke, set-pte or pte? */
static bool is_authoring(const char *line)
{
	static const char *const words[] = { "poke", "set-pte", "pte" };

	line += strspn(line, " \t\r");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t len = strlen(words[i]);
		if (strncmp(line, words[i], len) == 0 && (line[len] == '\0' || strchr(" \t\r\n#", line[len])))
			return true;
	}
	return false;
}

int trace_parse_line_events(char *line, struct trace_event *ev, struct mm_error *err)
{
	char *f[MAX_FIELDS];
	int n;

	if (!is_authoring(line))
		return trace_parse_line(line, ev, err);
	n = split_fields(line, f);
	return parse_authoring(f, n, ev, err);
}

int trace_parse_line(char *line, struct trace_event *cmd, struct mm_error *err)
{
	char *f[MAX_FIELDS];
	int n = split_fields(line, f);
	const char *op;

	if (n == 0)
		return TRACE_LINE_BLANK;
	op = f[0];
	memset(cmd, 0, sizeof(*cmd));
	if (strcmp(op, "gmap") == 0) {
		static const char usage[] = "gmap GPA HPA LEN FLAGS [cache=wb|wt|uc|wc|wp]";
		cmd->op = TRACE_GMAP;
		if (want_fields(n, 5, 6, usage, err) || parse_num(f[1], "GPA", false, &cmd->va, err) ||
		    parse_num(f[2], "host PA", false, &cmd->pa, err) ||
		    parse_num(f[3], "length", true, &cmd->len, err) ||
		    trace_parse_flags(f[4], &cmd->prop, err) || (n == 6 && parse_cache(f[5], &cmd->prop, err)))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "gflush") == 0) {
		cmd->op = TRACE_GFLUSH;
		if (n != 1 && (n != 3 || strcmp(f[1], "gpa") != 0) && (n != 2 || strcmp(f[1], "all") != 0)) {
			mm_error_set(err, MM_EINVAL, "bad gflush: usage is 'gflush [gpa GPA | all]'");
			return TRACE_LINE_BAD;
		}
		if (n == 3 && parse_num(f[2], "GPA", false, &cmd->va, err))
			return TRACE_LINE_BAD;
		cmd->n = n == 3 ? GFLUSH_GPA : n == 2 ? GFLUSH_ALL_VMS : GFLUSH_VM;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "gunmap") == 0) {
		cmd->op = TRACE_GUNMAP;
		if (want_fields(n, 3, 3, "gunmap GPA LEN", err) ||
		    parse_num(f[1], "GPA", false, &cmd->va, err) ||
		    parse_num(f[2], "length", true, &cmd->len, err))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "gprotect") == 0) {
		cmd->op = TRACE_GPROTECT;
		if (want_fields(n, 4, 5, "gprotect GPA LEN FLAGS [cache=...]", err) ||
		    parse_num(f[1], "GPA", false, &cmd->va, err) ||
		    parse_num(f[2], "length", true, &cmd->len, err) ||
		    trace_parse_flags(f[3], &cmd->prop, err) || (n == 5 && parse_cache(f[4], &cmd->prop, err)))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "map") == 0) {
		static const char usage[] = "map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]";
		cmd->op = TRACE_MAP;
		if (want_fields(n, 5, 7, usage, err) || parse_num(f[1], "VA", false, &cmd->va, err) ||
		    parse_num(f[2], "PA", false, &cmd->pa, err) ||
		    parse_num(f[3], "length", true, &cmd->len, err) ||
		    trace_parse_flags(f[4], &cmd->prop, err))
			return TRACE_LINE_BAD;
		bool has_cache = false;
		for (int i = 5; i < n; i++) {
			const bool size = strncmp(f[i], "size=", 5) == 0;
			if (!size && strncmp(f[i], "cache=", 6) != 0) {
				mm_error_set(err, MM_EINVAL, "bad option '%s' (expected cache=wb|wt|uc|wc|wp or size=PAGE_SIZE)", f[i]);
				return TRACE_LINE_BAD;
			}
			if (size ? cmd->size != 0 : has_cache) {
				mm_error_set(err, MM_EINVAL, "bad map option '%s' (given twice): usage is '%s'", f[i], usage);
				return TRACE_LINE_BAD;
			}
			if (size ? parse_page_size(f[i] + 5, &cmd->size, err) : parse_cache(f[i], &cmd->prop, err))
				return TRACE_LINE_BAD;
			has_cache |= !size;
		}
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "mmap") == 0) {
		cmd->op = TRACE_MMAP;
		if (want_fields(n, 4, 5, "mmap VA LEN FLAGS [shared]", err) ||
		    parse_num(f[1], "VA", false, &cmd->va, err) ||
		    parse_num(f[2], "length", true, &cmd->len, err) ||
		    trace_parse_flags(f[3], &cmd->prop, err))
			return TRACE_LINE_BAD;
		if (n == 5 && strcmp(f[4], "shared") != 0) {
			mm_error_set(err, MM_EINVAL, "bad mmap option '%s' (expected 'shared')", f[4]);
			return TRACE_LINE_BAD;
		}
		cmd->n = n == 5;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "fork") == 0 || strcmp(op, "exit") == 0) {
		cmd->op = op[0] == 'f' ? TRACE_FORK : TRACE_EXIT;
		if (want_fields(n, 2, 2, op[0] == 'f' ? "fork CHILD_ASID" : "exit ASID", err) ||
		    parse_asid(f[1], &cmd->n, err))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "unmap") == 0 || strcmp(op, "munmap") == 0) {
		bool region = op[0] == 'm';
		cmd->op = region ? TRACE_MUNMAP : TRACE_UNMAP;
		if (want_fields(n, 3, 3, region ? "munmap VA LEN" : "unmap VA LEN", err) ||
		    parse_num(f[1], "VA", false, &cmd->va, err) ||
		    parse_num(f[2], "length", true, &cmd->len, err))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "protect") == 0) {
		cmd->op = TRACE_PROTECT;
		if (want_fields(n, 4, 5, "protect VA LEN FLAGS [cache=...]", err) ||
		    parse_num(f[1], "VA", false, &cmd->va, err) ||
		    parse_num(f[2], "length", true, &cmd->len, err) ||
		    trace_parse_flags(f[3], &cmd->prop, err) || (n == 5 && parse_cache(f[4], &cmd->prop, err)))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	static const struct { const char *name; enum access_kind access; } accesses[] = {
		{ "r", ACCESS_READ }, { "load", ACCESS_READ },
		{ "w", ACCESS_WRITE }, { "store", ACCESS_WRITE },
		{ "x", ACCESS_EXEC }, { "fetch", ACCESS_EXEC },
	};
	for (size_t i = 0; i < sizeof(accesses) / sizeof(accesses[0]); i++) {
		if (strcmp(op, accesses[i].name) != 0)
			continue;
		cmd->op = TRACE_ACCESS;
		cmd->access = accesses[i].access;
		if (want_fields(n, 2, 2, "r|w|x VA", err) || parse_num(f[1], "VA", false, &cmd->va, err))
			return TRACE_LINE_BAD;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "asid") == 0 || strcmp(op, "cpu") == 0 || strcmp(op, "vm") == 0) {
		uint64_t v;
		bool asid = op[0] == 'a', vm = op[0] == 'v';
		cmd->op = asid ? TRACE_ASID : vm ? TRACE_VM : TRACE_CPU;
		if (want_fields(n, 2, 2, asid ? "asid N" : vm ? "vm N" : "cpu N", err) ||
		    parse_num(f[1], asid ? "ASID" : vm ? "VM number" : "CPU number", false, &v, err))
			return TRACE_LINE_BAD;
		unsigned max = asid ? MACHINE_NR_ASIDS - 1u : vm ? MACHINE_NR_VMS - 1u : MMU_MAX_CPUS - 1u;
		if (v > max) {
			mm_error_set(err, MM_EINVAL, "%s %llu is out of range (at most %u)", op,
				     (unsigned long long)v, max);
			return TRACE_LINE_BAD;
		}
		cmd->n = (uint32_t)v;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "thread") == 0) {
		uint64_t v;
		cmd->op = TRACE_THREAD;
		if (want_fields(n, 2, 2, "thread N", err) || parse_num(f[1], "thread id", false, &v, err))
			return TRACE_LINE_BAD;
		if (v > TRACE_THREAD_MAX) {
			mm_error_set(err, MM_EINVAL, "thread %llu is out of range (at most %u)", (unsigned long long)v,
				     TRACE_THREAD_MAX);
			return TRACE_LINE_BAD;
		}
		cmd->n = (uint32_t)v;
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "priv") == 0) {
		cmd->op = TRACE_PRIV;
		if (want_fields(n, 2, 2, "priv user|supervisor", err))
			return TRACE_LINE_BAD;
		if (strcmp(f[1], "user") == 0 || strcmp(f[1], "u") == 0)
			cmd->n = PRIV_USER;
		else if (strcmp(f[1], "supervisor") == 0 || strcmp(f[1], "s") == 0)
			cmd->n = PRIV_SUPERVISOR;
		else {
			mm_error_set(err, MM_EINVAL, "bad privilege '%s' (expected user or supervisor)", f[1]);
			return TRACE_LINE_BAD;
		}
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "flush") == 0) {
		static const char usage[] = "flush [va VA] [asid N]";
		bool has_va = false, has_asid = false;
		cmd->op = TRACE_FLUSH;
		if (n % 2 == 0 || n > 5) {
			mm_error_set(err, MM_EINVAL, "bad flush: usage is '%s'", usage);
			return TRACE_LINE_BAD;
		}
		for (int i = 1; i < n; i += 2) {
			if (strcmp(f[i], "va") == 0 && !has_va) {
				has_va = true;
				if (parse_num(f[i + 1], "VA", false, &cmd->va, err))
					return TRACE_LINE_BAD;
			} else if (strcmp(f[i], "asid") == 0 && !has_asid) {
				has_asid = true;
				if (parse_asid(f[i + 1], &cmd->n, err))
					return TRACE_LINE_BAD;
			} else {
				mm_error_set(err, MM_EINVAL, "bad flush argument '%s': usage is '%s'", f[i], usage);
				return TRACE_LINE_BAD;
			}
		}
		cmd->scope = has_va ? (has_asid ? FLUSH_VA_ASID : FLUSH_VA) : (has_asid ? FLUSH_ASID : FLUSH_ALL);
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "tlbi") == 0)
		return parse_tlbi(f, n, cmd, err);
	if (strcmp(op, "poke") == 0 || strcmp(op, "set-pte") == 0 || strcmp(op, "pte") == 0) {
		struct trace_event evs[TRACE_TEXT_LINE_EVENTS];
		int k = parse_authoring(f, n, evs, err);
		if (k > 1) {
			mm_error_set(err, MM_EINVAL, "a pte line with %d fields is %d events: read it as a trace (or one field a line)",
				     k, k);
			return TRACE_LINE_BAD;
		}
		if (k < 0)
			return TRACE_LINE_BAD;
		*cmd = evs[0];
		return TRACE_LINE_EVENT;
	}
	if (strcmp(op, "stats") == 0) {
		cmd->op = TRACE_STATS_RESET;
		if (want_fields(n, 2, 2, "stats reset", err))
			return TRACE_LINE_BAD;
		if (strcmp(f[1], "reset") != 0) {
			mm_error_set(err, MM_EINVAL, "bad stats command '%s' (expected 'stats reset')", f[1]);
			return TRACE_LINE_BAD;
		}
		return TRACE_LINE_EVENT;
	}
	mm_error_set(err, MM_EINVAL,
		     "unknown command '%s' (expected map, unmap, protect, r, w, x, load, store, fetch, "
		     "asid, priv, cpu, flush, tlbi, stats, poke, set-pte or pte)", op);
	return TRACE_LINE_BAD;
}
