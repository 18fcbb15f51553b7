/*
 * image_ostep: the memory dump of OSTEP's multi-level paging homework (see
 * image_ostep.h).  The text is read line by line; only page lines and the
 * PDBR line carry anything, so the script's whole output can be given as is.
 */
#include "image_ostep.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct line {
	const char *s;  /* not NUL-terminated */
	size_t len;
	unsigned no;    /* 1-based */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static size_t skip_blanks(const struct line *l, size_t i)
{
	while (i < l->len && is_blank(l->s[i]))
		i++;
	return i;
}

static bool starts_with(const struct line *l, size_t i, const char *word)
{
	size_t n = strlen(word);

	return l->len - i >= n && memcmp(l->s + i, word, n) == 0;
}

/* A decimal number at l->s[*i] (at most `max`): true and *i past it, else false. */
static bool decimal(const struct line *l, size_t *i, uint64_t max, uint64_t *out)
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

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int line_error(struct mm_error *err, const char *path, const struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int line_error(struct mm_error *err, const char *path, const struct line *l, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mm_error_set(err, MM_EINVAL, "%s:%u: %s", path, l->no, msg);
}

/* "page N: <64 hex digits>", blanks allowed between the digits. */
static int parse_page(const char *path, const struct line *l, size_t i, struct ostep_dump *d,
		      unsigned first_line[OSTEP_NR_PAGES], struct mm_error *err)
{
	uint8_t bytes[OSTEP_PAGE_SIZE];
	unsigned digits = 0;
	uint64_t page;

	i = skip_blanks(l, i + 4);
	if (!decimal(l, &i, OSTEP_NR_PAGES - 1, &page) || (i = skip_blanks(l, i)) >= l->len || l->s[i] != ':')
		return line_error(err, path, l, "expected 'page N:' with N from 0 to %u", OSTEP_NR_PAGES - 1);
	for (i++; i < l->len; i++) {
		int v = hex_value(l->s[i]);
		if (is_blank(l->s[i]))
			continue;
		if (v < 0 && isprint((unsigned char)l->s[i]))
			return line_error(err, path, l, "page %u: '%c' is not a hex digit", (unsigned)page, l->s[i]);
		if (v < 0)
			return line_error(err, path, l, "page %u: byte 0x%02x is not a hex digit", (unsigned)page,
					  (unsigned char)l->s[i]);
		if (digits < 2 * OSTEP_PAGE_SIZE)
			bytes[digits / 2] = (uint8_t)(digits % 2 ? bytes[digits / 2] | v : v << 4);
		digits++;
	}
	if (digits != 2 * OSTEP_PAGE_SIZE)
		return line_error(err, path, l, "page %u: expected %u hex digits (%u bytes), found %u", (unsigned)page,
				  2 * OSTEP_PAGE_SIZE, OSTEP_PAGE_SIZE, digits);
	if (d->given[page])
		return line_error(err, path, l, "page %u given twice (first at line %u)", (unsigned)page,
				  first_line[page]);
	memcpy(d->mem + page * OSTEP_PAGE_SIZE, bytes, OSTEP_PAGE_SIZE);
	d->given[page] = true;
	first_line[page] = l->no;
	return MM_OK;
}

/* "PDBR: N ..." (the script adds "(decimal) [This means ...]"). */
static int parse_pdbr(const char *path, const struct line *l, size_t i, struct ostep_dump *d, struct mm_error *err)
{
	uint64_t pdbr;

	i = skip_blanks(l, i + 5);
	if (!decimal(l, &i, OSTEP_NR_PAGES - 1, &pdbr))
		return line_error(err, path, l, "expected 'PDBR: N' with N a page number from 0 to %u",
				  OSTEP_NR_PAGES - 1);
	if (d->has_pdbr && d->pdbr != pdbr)
		return line_error(err, path, l, "a second PDBR (%u, after %u)", (unsigned)pdbr, (unsigned)d->pdbr);
	d->has_pdbr = true;
	d->pdbr = pdbr;
	return MM_OK;
}

/* The next line of text from *pos, or false at the end. */
static bool next_line(const uint8_t *text, size_t len, size_t *pos, struct line *l)
{
	const uint8_t *nl;

	if (*pos >= len)
		return false;
	l->s = (const char *)text + *pos;
	nl = memchr(text + *pos, '\n', len - *pos);
	l->len = nl ? (size_t)(nl - (text + *pos)) : len - *pos;
	*pos += l->len + (nl != NULL);
	l->no++;
	return true;
}

bool image_ostep_detect(const uint8_t *text, size_t len)
{
	struct line l = { 0 };
	size_t pos = 0, i;

	/*
	 * The homework's text starts at once; a raw image of zeros is one "line"
	 * as long as the file, and looking for its end read every page of it
	 * (16 GiB of a sparse file: minutes, and its size in page cache).
	 */
	if (len > OSTEP_DETECT_PREFIX)
		len = OSTEP_DETECT_PREFIX;

	while (next_line(text, len, &pos, &l)) {
		if ((i = skip_blanks(&l, 0)) == l.len)
			continue;
		return starts_with(&l, i, "ARG ") ||
		       (starts_with(&l, i, "page") && (i = skip_blanks(&l, i + 4)) < l.len &&
			isdigit((unsigned char)l.s[i]));
	}
	return false;
}

int image_ostep_parse(const char *path, const uint8_t *text, size_t len, struct ostep_dump *out,
		      struct mm_error *err)
{
	unsigned first_line[OSTEP_NR_PAGES] = { 0 };
	struct line l = { 0 };
	size_t pos = 0, i;
	bool any = false;
	int rc;

	memset(out, 0, sizeof(*out));
	while (next_line(text, len, &pos, &l)) {
		i = skip_blanks(&l, 0);
		if (starts_with(&l, i, "page")) {
			if ((rc = parse_page(path, &l, i, out, first_line, err)))
				return rc;
			any = true;
		} else if (starts_with(&l, i, "PDBR:") && (rc = parse_pdbr(path, &l, i, out, err))) {
			return rc;
		}
	}
	if (!any)
		return mm_error_set(err, MM_EINVAL, "%s: no 'page N:' line (an OSTEP memory dump)", path);
	return MM_OK;
}
