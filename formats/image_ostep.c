/*
 * image_ostep: the memory dump of OSTEP's multi-level paging homework (see
 * image_ostep.h).  The text is read line by line; only page lines and the
 * PDBR line carry anything, so the script's whole output can be given as is.
 */
#include "image_ostep.h"
#include "text_lines.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* A decimal number at l->s[*i] (at most `max`): true and *i past it, else false. */
static bool decimal(const struct text_line *l, size_t *i, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < l->len && isdigit((unsigned char)l->s[*i])) {
		v = v * 10 + (uint64_t)(l->s[*i] - '0');
		if (v > max)
			return false;
		(*i)++;
	}
	*out = v;
	return *i > start;
}

/* "page N: <64 hex digits>", blanks allowed between the digits. */
static int parse_page(const char *path, const struct text_line *l, size_t i, struct ostep_dump *d,
		      unsigned first_line[OSTEP_NR_PAGES], struct mm_error *err)
{
	uint8_t bytes[OSTEP_PAGE_SIZE];
	unsigned digits = 0;
	uint64_t page;

	i = text_line_skip_blanks(l, i + 4);
	if (!decimal(l, &i, OSTEP_NR_PAGES - 1, &page) || (i = text_line_skip_blanks(l, i)) >= l->len || l->s[i] != ':')
		return text_line_error(err, path, l, "expected 'page N:' with N from 0 to %u", OSTEP_NR_PAGES - 1);
	for (i++; i < l->len; i++) {
		int v = text_hex_value(l->s[i]);
		if (text_is_blank(l->s[i]))
			continue;
		if (v < 0 && isprint((unsigned char)l->s[i]))
			return text_line_error(err, path, l, "page %u: '%c' is not a hex digit", (unsigned)page, l->s[i]);
		if (v < 0)
			return text_line_error(err, path, l, "page %u: byte 0x%02x is not a hex digit", (unsigned)page,
					  (unsigned char)l->s[i]);
		if (digits < 2 * OSTEP_PAGE_SIZE)
			bytes[digits / 2] = (uint8_t)(digits % 2 ? bytes[digits / 2] | v : v << 4);
		digits++;
	}
	if (digits != 2 * OSTEP_PAGE_SIZE)
		return text_line_error(err, path, l, "page %u: expected %u hex digits (%u bytes), found %u", (unsigned)page,
				  2 * OSTEP_PAGE_SIZE, OSTEP_PAGE_SIZE, digits);
	if (d->given[page])
		return text_line_error(err, path, l, "page %u given twice (first at line %u)", (unsigned)page,
				  first_line[page]);
	memcpy(d->mem + page * OSTEP_PAGE_SIZE, bytes, OSTEP_PAGE_SIZE);
	d->given[page] = true;
	first_line[page] = l->no;
	return MM_OK;
}

/* "PDBR: N ..." (the script adds "(decimal) [This means ...]"). */
static int parse_pdbr(const char *path, const struct text_line *l, size_t i, struct ostep_dump *d, struct mm_error *err)
{
	uint64_t pdbr;

	i = text_line_skip_blanks(l, i + 5);
	if (!decimal(l, &i, OSTEP_NR_PAGES - 1, &pdbr))
		return text_line_error(err, path, l, "expected 'PDBR: N' with N a page number from 0 to %u",
				  OSTEP_NR_PAGES - 1);
	if (d->has_pdbr && d->pdbr != pdbr)
		return text_line_error(err, path, l, "a second PDBR (%u, after %u)", (unsigned)pdbr, (unsigned)d->pdbr);
	d->has_pdbr = true;
	d->pdbr = pdbr;
	return MM_OK;
}

bool image_ostep_detect(const uint8_t *text, size_t len)
{
	struct text_line l = { 0 };
	size_t pos = 0, i;

	/*
	 * The homework's text starts at once; a raw image of zeros is one "line"
	 * as long as the file, and looking for its end read every page of it
	 * (16 GiB of a sparse file: minutes, and its size in page cache).
	 */
	if (len > OSTEP_DETECT_PREFIX)
		len = OSTEP_DETECT_PREFIX;

	while (text_line_next(text, len, &pos, &l)) {
		if ((i = text_line_skip_blanks(&l, 0)) == l.len)
			continue;
		return text_line_starts_with(&l, i, "ARG ") ||
		       (text_line_starts_with(&l, i, "page") && (i = text_line_skip_blanks(&l, i + 4)) < l.len &&
			isdigit((unsigned char)l.s[i]));
	}
	return false;
}

int image_ostep_parse(const char *path, const uint8_t *text, size_t len, struct ostep_dump *out,
		      struct mm_error *err)
{
	unsigned first_line[OSTEP_NR_PAGES] = { 0 };
	struct text_line l = { 0 };
	size_t pos = 0, i;
	bool any = false;
	int rc;

	memset(out, 0, sizeof(*out));
	while (text_line_next(text, len, &pos, &l)) {
		i = text_line_skip_blanks(&l, 0);
		if (text_line_starts_with(&l, i, "page")) {
			if ((rc = parse_page(path, &l, i, out, first_line, err)))
				return rc;
			any = true;
		} else if (text_line_starts_with(&l, i, "PDBR:") && (rc = parse_pdbr(path, &l, i, out, err))) {
			return rc;
		}
	}
	if (!any)
		return mm_error_set(err, MM_EINVAL, "%s: no 'page N:' line (an OSTEP memory dump)", path);
	return MM_OK;
}
