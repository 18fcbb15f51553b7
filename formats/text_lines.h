/*
 * text_lines: lines of a text held in memory, for the readers of small
 * line-oriented formats (OSTEP's homework dumps).  A line is a view into the
 * text, not a copy; its trailing CR (a file saved with CRLF ends) is not part
 * of it.  Errors name the file and the 1-based line.
 */
#ifndef MMUSIM_FORMATS_TEXT_LINES_H
#define MMUSIM_FORMATS_TEXT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"

struct text_line {
	const char *s;  /* not NUL-terminated */
	size_t len;
	unsigned no;    /* 1-based; 0 before the first */
};

/* The line after l (start with l zeroed and *pos 0), or false at the end of text. */
bool text_line_next(const uint8_t *text, size_t len, size_t *pos, struct text_line *l);

/* Space, tab or CR. */
bool text_is_blank(char c);

/* The index of the first non-blank character of l at or after i (l->len if none). */
size_t text_line_skip_blanks(const struct text_line *l, size_t i);

/* Does l continue at i with word? */
bool text_line_starts_with(const struct text_line *l, size_t i, const char *word);

/* The value of hex digit c (either case), or -1. */
int text_hex_value(char c);

/* Fails with MM_EINVAL and "path:LINE: message". */
int text_line_error(struct mm_error *err, const char *path, const struct text_line *l, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
