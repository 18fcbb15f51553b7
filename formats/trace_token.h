/*
 * trace_token: what the line-oriented trace decoders (din, pinatrace) share:
 * the small lexical pieces and the loop that cuts a buffer into lines.  All
 * inline, because they sit in the per-line hot loop (the per-line parser
 * passed to token_decode_lines is a constant at each call and is inlined).
 */
#ifndef MMUSIM_SIM_TRACE_TOKEN_H
#define MMUSIM_SIM_TRACE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pt/mm_error.h"
#include "trace.h"

#define TOKEN_SHOWN 40 /* how much of a bad token an error message quotes */

static inline bool token_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* 0..15, or -1 for a character that is not a hex digit. */
static inline int token_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Sets the message, quoting (at most TOKEN_SHOWN bytes of) [s, e) with fmt's %.*s; returns TRACE_LINE_BAD. */
static inline int token_error(struct mm_error *err, const char *fmt, const char *s, const char *e)
{
	int len = e - s > TOKEN_SHOWN ? TOKEN_SHOWN : (int)(e - s);
	mm_error_set(err, MM_EINVAL, fmt, len, s);
	return TRACE_LINE_BAD;
}

/* A whole line over TRACE_LINE_MAX (the reader stops unfinished ones); returns TRACE_LINE_BAD. */
static inline int token_line_too_long(struct mm_error *err)
{
	mm_error_set(err, MM_EINVAL, "line longer than %d bytes", TRACE_LINE_MAX);
	return TRACE_LINE_BAD;
}

/*
 * Parses one line [s, e), without its '\n': an enum trace_line (TRACE_LINE_EVENT
 * with *access and *va, TRACE_LINE_BAD with a message in *err).
 */
typedef int (*token_line_parser)(void *arg, const char *s, const char *e, unsigned *access, uint64_t *va,
				  struct mm_error *err);

/*
 * Decodes the whole lines of buf[0, len) (the last one too when eof) into at
 * most max access events, counting lines in *line.  Returns the number of
 * events and sets *used to the bytes consumed; a partial last line is left
 * for the next call.  A bad line returns EVENT_SOURCE_FAILED with *used at its start and *line
 * at its number, but only once the events before it were returned.
 */
static inline long token_decode_lines(const char *buf, size_t len, bool eof, uint64_t *line, size_t *used,
				      struct trace_event *ev, size_t max, token_line_parser parse, void *arg,
				      struct mm_error *err)
{
	const char *p = buf, *end = buf + len;
	uint64_t nr = *line;
	size_t n = 0;

	while (n < max && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le, *next;
		unsigned access = 0;
		uint64_t va = 0;
		int rc;

		if (nl) {
			le = nl;
			next = nl + 1;
		} else if (eof) {
			le = next = end;
		} else {
			break; /* partial line: wait for more input */
		}
		if (le - p > TRACE_LINE_MAX)
			rc = token_line_too_long(err);
		else
			rc = parse(arg, p, le, &access, &va, err);
		if (rc == TRACE_LINE_BAD) {
			if (n > 0)
				break; /* the error comes next call, after these events */
			*line = nr + 1;
			*used = (size_t)(p - buf);
			return EVENT_SOURCE_FAILED;
		}
		nr++;
		p = next;
		if (rc == TRACE_LINE_EVENT)
			ev[n++] = (struct trace_event){ .line = nr, .op = TRACE_ACCESS, .access = (uint8_t)access, .va = va };
	}
	*line = nr;
	*used = (size_t)(p - buf);
	return (long)n;
}

#endif
