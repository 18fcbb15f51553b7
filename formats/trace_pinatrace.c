/*
 * trace_pinatrace: Pin pinatrace decoder (see trace_pinatrace.h).  Each line
 * is split at its '\n' with memchr and parsed in place; nothing is copied.
 */
#include "trace_pinatrace.h"

#include <string.h>

#include "pt/walk.h"
#include "trace_token.h"

void pinatrace_decoder_init(struct pinatrace_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

static int bad(struct mm_error *err, const char *msg)
{
	mm_error_set(err, MM_EINVAL, "%s", msg);
	return TRACE_LINE_BAD;
}

/*
 * A hex number at *pp (0x optional) ending at `stop` or a blank; advances *pp
 * past it.  Returns MM_OK, or MM_EINVAL with a message naming `what`.
 */
static int parse_hex(const char **pp, const char *e, char stop, const char *what, uint64_t *out,
		     struct mm_error *err)
{
	const char *tok = *pp, *p = tok;
	unsigned digits = 0;
	uint64_t v = 0;
	bool ok = true;

	/* pinatrace prints "%p": glibc writes a null pointer as "(nil)". */
	if (e - p >= 5 && memcmp(p, "(nil)", 5) == 0 && (e - p == 5 || p[5] == stop || token_is_blank((unsigned char)p[5]))) {
		*pp = p + 5;
		*out = 0;
		return MM_OK;
	}
	if (e - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x')
		p += 2;
	const char *first = p;
	for (; p < e && *p != stop && !token_is_blank((unsigned char)*p); p++) {
		int h = token_hex_digit((unsigned char)*p);
		if (h < 0)
			ok = false;
		else if (digits || h)
			digits++;
		v = v << 4 | (unsigned)(h < 0 ? 0 : h);
	}
	if (!ok || p == first) {
		mm_error_set(err, MM_EINVAL, "bad %s '%.*s' (expected hex digits)", what,
			     p - tok > TOKEN_SHOWN ? TOKEN_SHOWN : (int)(p - tok), tok);
		return MM_EINVAL;
	}
	if (digits > 16) {
		mm_error_set(err, MM_EINVAL, "%s '%.*s' does not fit in 64 bits", what,
			     p - tok > TOKEN_SHOWN ? TOKEN_SHOWN : (int)(p - tok), tok);
		return MM_EINVAL;
	}
	*pp = p;
	*out = v;
	return MM_OK;
}

/*
 * One line [s, e) without its '\n'.  Returns TRACE_LINE_EVENT with the access,
 * TRACE_LINE_BLANK for a line to skip (*eof_mark set for "#eof"), TRACE_LINE_BAD
 * with a message.
 */
static int parse_line(const char *s, const char *e, unsigned *access, uint64_t *va, bool *eof_mark,
		      struct mm_error *err)
{
	const char *p = s;
	uint64_t ip;

	while (e > p && token_is_blank((unsigned char)e[-1]))
		e--;
	while (p < e && token_is_blank((unsigned char)*p))
		p++;
	*eof_mark = false;
	if (p == e)
		return TRACE_LINE_BLANK;
	if (*p == '#') {
		*eof_mark = e - p == 4 && memcmp(p, "#eof", 4) == 0;
		return TRACE_LINE_BLANK;
	}
	if (parse_hex(&p, e, ':', "instruction address", &ip, err) != MM_OK)
		return TRACE_LINE_BAD;
	if (p == e || *p != ':')
		return bad(err, "missing ':' after the instruction address (expected 'IP: R|W ADDRESS')");
	p++;
	while (p < e && token_is_blank((unsigned char)*p))
		p++;
	if (p == e)
		return bad(err, "missing 'R' or 'W' (expected 'IP: R|W ADDRESS')");
	if ((*p != 'R' && *p != 'W') || (p + 1 < e && !token_is_blank((unsigned char)p[1]))) {
		const char *t = p;
		while (p < e && !token_is_blank((unsigned char)*p))
			p++;
		return token_error(err, "unknown access '%.*s' (expected R or W)", t, p);
	}
	*access = *p == 'R' ? ACCESS_READ : ACCESS_WRITE;
	p++;
	while (p < e && token_is_blank((unsigned char)*p))
		p++;
	if (p == e)
		return bad(err, "missing data address (expected 'IP: R|W ADDRESS')");
	return parse_hex(&p, e, ' ', "data address", va, err) != MM_OK ? TRACE_LINE_BAD : TRACE_LINE_EVENT;
}

/* A line in the stream: "#eof" ends the records, and nothing may follow it. */
static int pinatrace_line(void *arg, const char *s, const char *e, unsigned *access, uint64_t *va,
			  struct mm_error *err)
{
	struct pinatrace_decoder *d = arg;
	bool eof_mark;
	int rc = parse_line(s, e, access, va, &eof_mark, err);

	if (rc == TRACE_LINE_EVENT && d->saw_eof)
		return bad(err, "record after '#eof'");
	if (eof_mark)
		d->saw_eof = true;
	return rc;
}

long pinatrace_decode(struct pinatrace_decoder *d, const char *buf, size_t len, bool eof, size_t *used,
		      struct trace_event *ev, size_t max, struct mm_error *err)
{
	long n = token_decode_lines(buf, len, eof, &d->line, used, ev, max, pinatrace_line, d, err);

	if (n == 0 && eof && *used == len && !d->saw_eof) {
		mm_error_set(err, MM_EINVAL, "the trace ends without '#eof' (cut short?)");
		return EVENT_SOURCE_FAILED;
	}
	return n;
}

bool pinatrace_line_is_record(const char *line, size_t len)
{
	unsigned access;
	uint64_t va;
	struct mm_error ignored;
	bool eof_mark;

	return parse_line(line, line + len, &access, &va, &eof_mark, &ignored) == TRACE_LINE_EVENT;
}
