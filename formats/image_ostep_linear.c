/*
 * image_ostep_linear: the linear page table of OSTEP's paging homework (see
 * image_ostep_linear.h).  The ARG lines give the geometry, so they are
 * checked first; then the entries, which must be exactly one per virtual page.
 */
#include "image_ostep_linear.h"
#include "text_lines.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The script refuses sizes of 1g and more. */
#define LINEAR_MAX_SIZE (1ull << 30)
/* mmusim's smallest page (toy.page_size). */
#define LINEAR_MIN_PAGE 32u

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static unsigned log2u(uint64_t x)
{
	return (unsigned)(63 - __builtin_clzll(x));
}

/* The rest of the line from i, blanks trimmed, for messages. */
static int rest_len(const struct text_line *l, size_t i)
{
	size_t end = l->len;

	while (end > i && (l->s[end - 1] == ' ' || l->s[end - 1] == '\t'))
		end--;
	return (int)(end - i > 40 ? 40 : end - i);
}

/* A size as the script's convert() reads it: decimal digits and an optional k, m or g. */
static bool parse_size(const struct text_line *l, size_t i, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = i;

	while (i < l->len && isdigit((unsigned char)l->s[i])) {
		v = v * 10 + (uint64_t)(l->s[i++] - '0');
		if (v > LINEAR_MAX_SIZE)
			return false;
	}
	if (i == start)
		return false;
	if (i < l->len && strchr("kKmMgG", l->s[i])) {
		unsigned shift = tolower((unsigned char)l->s[i]) == 'k' ? 10 : tolower((unsigned char)l->s[i]) == 'm' ? 20 : 30;
		if (v > LINEAR_MAX_SIZE >> shift)
			return false;
		v <<= shift;
		i++;
	}
	*out = v;
	return text_line_skip_blanks(l, i) == l->len;
}

enum { ARG_ASIZE, ARG_PSIZE, ARG_PAGE, NR_ARGS };

static const char *const arg_names[NR_ARGS] = { "address space size", "phys mem size", "page size" };

struct args {
	uint64_t value[NR_ARGS];
	struct text_line at[NR_ARGS];
	bool given[NR_ARGS];
};

static int parse_arg(const char *path, const struct text_line *l, size_t i, struct args *a, struct mm_error *err)
{
	i = text_line_skip_blanks(l, i + 4);
	for (unsigned k = 0; k < NR_ARGS; k++) {
		if (!text_line_starts_with(l, i, arg_names[k]))
			continue;
		size_t v = text_line_skip_blanks(l, i + strlen(arg_names[k]));
		if (!parse_size(l, v, &a->value[k]) || a->value[k] == 0 || a->value[k] >= LINEAR_MAX_SIZE)
			return text_line_error(err, path, l, "ARG %s: expected a size from 1 to 1023m (such as 16k), found '%.*s'",
					  arg_names[k], rest_len(l, v), l->s + v);
		a->given[k] = true;
		a->at[k] = *l;
		return MM_OK;
	}
	return MM_OK;  /* ARG seed, verbose, addresses: nothing to the machine */
}

/* The ARG lines' sizes, as the script checks them and as a toy MMU can hold them. */
static int check_args(const char *path, const struct args *a, struct mm_error *err)
{
	uint64_t as = a->value[ARG_ASIZE], ps = a->value[ARG_PSIZE], pg = a->value[ARG_PAGE];

	for (unsigned k = 0; k < NR_ARGS; k++)
		if (!a->given[k])
			return mm_error_set(err, MM_EINVAL, "%s: no 'ARG %s' line (the output of paging-linear-translate.py "
					    "starts with them)", path, arg_names[k]);
	if (!is_pow2(pg))
		return text_line_error(err, path, &a->at[ARG_PAGE], "ARG page size %" PRIu64 " is not a power of two", pg);
	if (pg < LINEAR_MIN_PAGE)
		return text_line_error(err, path, &a->at[ARG_PAGE], "ARG page size %" PRIu64 " is below mmusim's smallest page (%u bytes)",
				  pg, LINEAR_MIN_PAGE);
	if (!is_pow2(as))
		return text_line_error(err, path, &a->at[ARG_ASIZE], "ARG address space size %" PRIu64 " is not a power of two", as);
	if (as < 2 * pg)
		return text_line_error(err, path, &a->at[ARG_ASIZE],
				  "ARG address space size %" PRIu64 " must be at least two pages of %" PRIu64, as, pg);
	if (ps % pg)
		return text_line_error(err, path, &a->at[ARG_PSIZE],
				  "ARG phys mem size %" PRIu64 " is not a multiple of the page size %" PRIu64, ps, pg);
	return MM_OK;
}

/* "0x%08x", or "[ N]  0x%08x" with -v: the entry for VPN n. */
static int parse_entry(const char *path, const struct text_line *l, uint64_t n, const struct ostep_linear *d,
		       uint32_t *out, struct mm_error *err)
{
	size_t i = text_line_skip_blanks(l, 0), start;
	uint32_t v = 0;

	if (i < l->len && l->s[i] == '[') {
		uint64_t vpn = 0;
		i = text_line_skip_blanks(l, i + 1);
		start = i;
		while (i < l->len && isdigit((unsigned char)l->s[i]) && vpn <= d->nr_entries)
			vpn = vpn * 10 + (uint64_t)(l->s[i++] - '0');
		i = text_line_skip_blanks(l, i);
		if (i == start || i >= l->len || l->s[i] != ']' || vpn != n)
			return text_line_error(err, path, l, "page table entry %" PRIu64 ": expected '[%" PRIu64 "]' before it",
					  n, n);
		i = text_line_skip_blanks(l, i + 1);
	}
	start = i;
	if (!text_line_starts_with(l, i, "0x") || l->len - i < 10 || text_line_skip_blanks(l, i + 10) != l->len)
		return text_line_error(err, path, l, "page table entry %" PRIu64 ": expected 0x and 8 hex digits, found '%.*s'",
				  n, rest_len(l, start), l->s + start);
	for (i += 2; i < start + 10; i++) {
		int h = text_hex_value(l->s[i]);
		if (h < 0)
			return text_line_error(err, path, l, "page table entry %" PRIu64 ": expected 0x and 8 hex digits, found '%.*s'",
					  n, rest_len(l, start), l->s + start);
		v = v << 4 | (uint32_t)h;
	}
	/* The script's entries: VALID | PFN, or 0. */
	if ((v >> 31) && (v & 0x7fffffffu) >= d->psize / d->page_size)
		return text_line_error(err, path, l,
				  "page table entry %" PRIu64 ": PFN %u is beyond physical memory (%" PRIu64 " pages of %" PRIu64 " bytes)",
				  n, v & 0x7fffffffu, d->psize / d->page_size, d->page_size);
	*out = v;
	return MM_OK;
}

bool image_ostep_linear_detect(const uint8_t *text, size_t len)
{
	struct text_line l = { 0 };
	size_t pos = 0;

	while (text_line_next(text, len, &pos, &l))
		if (text_line_starts_with(&l, text_line_skip_blanks(&l, 0), "Page Table (from entry 0"))
			return true;
	return false;
}

/* Where the table goes: after physical memory, aligned to its size (a root of several pages must be). */
static void place_table(struct ostep_linear *d)
{
	uint64_t bytes = d->nr_entries * 4, align = bytes > d->page_size ? bytes : d->page_size;

	d->table_pa = (d->psize + align - 1) / align * align;
	d->mem_size = d->table_pa + align;
}

int image_ostep_linear_parse(const char *path, const uint8_t *text, size_t len, struct ostep_linear *out,
			     struct mm_error *err)
{
	struct args a = { 0 };
	struct text_line l = { 0 };
	size_t pos = 0, i;
	uint64_t n = 0;
	bool in_table = false, table_seen = false;
	int rc;

	memset(out, 0, sizeof(*out));
	while (text_line_next(text, len, &pos, &l)) {
		i = text_line_skip_blanks(&l, 0);
		if (in_table && i == l.len) {
			in_table = false;
		} else if (in_table) {
			uint32_t e = 0;
			if (n == out->nr_entries)
				return text_line_error(err, path, &l,
						  "the page table has more than %" PRIu64 " entries (address space size / page size)",
						  out->nr_entries);
			if ((rc = parse_entry(path, &l, n, out, &e, err)))
				return rc;
			for (unsigned b = 0; b < 4; b++)
				out->table[n * 4 + b] = (uint8_t)(e >> (8 * b));
			n++;
		} else if (!table_seen && text_line_starts_with(&l, i, "ARG ")) {
			if ((rc = parse_arg(path, &l, i, &a, err)))
				return rc;
		} else if (!table_seen && text_line_starts_with(&l, i, "Page Table (from entry 0")) {
			if ((rc = check_args(path, &a, err)))
				return rc;
			out->asize = a.value[ARG_ASIZE];
			out->psize = a.value[ARG_PSIZE];
			out->page_size = a.value[ARG_PAGE];
			out->nr_entries = out->asize / out->page_size;
			if (!(out->table = calloc(out->nr_entries, 4)))
				return mm_error_set(err, MM_ENOMEM, "%s: out of memory", path);
			in_table = table_seen = true;
		}
	}
	if (!table_seen)
		return mm_error_set(err, MM_EINVAL, "%s: no 'Page Table (from entry 0 ...' line (an OSTEP linear page table)",
				    path);
	if (n != out->nr_entries) {
		image_ostep_linear_free(out);
		return mm_error_set(err, MM_EINVAL,
				    "%s: the page table has %" PRIu64 " %s, not %" PRIu64 " (address space size / page size)",
				    path, n, n == 1 ? "entry" : "entries", a.value[ARG_ASIZE] / a.value[ARG_PAGE]);
	}
	place_table(out);
	return MM_OK;
}

void image_ostep_linear_free(struct ostep_linear *d)
{
	free(d->table);
	d->table = NULL;
}

size_t image_ostep_linear_config(const struct ostep_linear *d, char *buf, size_t cap)
{
	unsigned page_shift = log2u(d->page_size);
	/* Enough PA bits for the table after physical memory. */
	unsigned pa_bits = log2u(d->mem_size - 1) + 1;
	uint64_t top = d->nr_entries;
	int n;

	/* mmusim wants a kernel range as well: the last entry is it (a walk over the dump ignores it). */
	n = snprintf(buf, cap,
		     "name: ostep-linear\n"
		     "arch: toy\n"
		     "toy: { va_bits: %u, page_size: %" PRIu64 ", levels: 1, pte_size: 4, pa_bits: %u, top_entries: %" PRIu64 ",\n"
		     "       valid: 31, frame_shift: 0, frame_width: %u }\n"
		     "memory: { base: 0x0, size: 0x%" PRIx64 " }\n"
		     "page_tables:\n"
		     "  user:   { top_level_index_range: [0, %" PRIu64 "], top_level_can_unmap: true }\n"
		     "  kernel: { top_level_index_range: [%" PRIu64 ", %" PRIu64 "], top_level_can_unmap: false }\n"
		     "tlb:\n"
		     "  - { name: tlb, level: 1, kind: unified, entries: 4, page_sizes: [%" PRIu64 "], replacement: lru, latency: 1 }\n"
		     "memory_latency: 10\n",
		     log2u(d->asize), d->page_size, pa_bits, top, pa_bits - page_shift, d->mem_size, top - 1, top - 1, top,
		     d->page_size);
	return n < 0 ? cap : (size_t)n;
}
