/*
 * trace_din: DineroIV din decoder (see trace_din.h).  Each line is split at
 * its '\n' with memchr and parsed in place; nothing is copied.
 */
#include "trace_din.h"

#include <string.h>

#include "pt/walk.h"
#include "trace_token.h"

void din_decoder_init(struct din_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/*
 * One line [s, e) without its '\n'.  Returns TRACE_LINE_EVENT with the access,
 * TRACE_LINE_BLANK for a line to skip, TRACE_LINE_BAD with a message.
 */
static int parse_line(const char *s, const char *e, unsigned *access, uint64_t *va, struct mm_error *err)
{
	const char *p = s, *tok;
	unsigned label = 0, digits = 0;
	uint64_t v = 0;

	while (p < e && token_is_blank((unsigned char)*p))
		p++;
	if (p == e)
		return TRACE_LINE_BLANK;
	for (tok = p; p < e && !token_is_blank((unsigned char)*p); p++) {
		if (*p < '0' || *p > '9')
			return token_error(err, "bad label '%.*s' (expected 'LABEL ADDRESS', LABEL a decimal number)",
					 tok, e);
		if (label < 10)
			label = label * 10 + (unsigned)(*p - '0');
	}
	while (p < e && token_is_blank((unsigned char)*p))
		p++;
	if (p == e)
		return token_error(err, "missing address after label '%.*s' (expected 'LABEL ADDRESS')", tok, tok + 1);
	tok = p;
	if (e - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x')
		p += 2;
	if (p == e || token_is_blank((unsigned char)*p))
		return token_error(err, "bad address '%.*s' (expected hex digits)", tok, p);
	for (; p < e && !token_is_blank((unsigned char)*p); p++) {
		int h = token_hex_digit((unsigned char)*p);
		if (h < 0) {
			while (p < e && !token_is_blank((unsigned char)*p))
				p++;
			return token_error(err, "bad address '%.*s' (expected hex digits)", tok, p);
		}
		if (digits || h)
			digits++;
		v = v << 4 | (unsigned)h;
	}
	if (digits > 16)
		return token_error(err, "address '%.*s' does not fit in 64 bits", tok, p);
	switch (label) {
	case 0: *access = ACCESS_READ; break;
	case 1: *access = ACCESS_WRITE; break;
	case 2: *access = ACCESS_EXEC; break;
	default: return TRACE_LINE_BLANK; /* escape, flush and the rest: not memory references */
	}
	*va = v;
	return TRACE_LINE_EVENT;
}

static int din_line(void *arg, const char *s, const char *e, unsigned *access, uint64_t *va,
		    struct mm_error *err)
{
	(void)arg;
	return parse_line(s, e, access, va, err);
}

long din_decode(struct din_decoder *d, const char *buf, size_t len, bool eof, size_t *used,
		struct trace_event *ev, size_t max, struct mm_error *err)
{
	return token_decode_lines(buf, len, eof, &d->line, used, ev, max, din_line, NULL, err);
}

bool din_line_is_record(const char *line, size_t len)
{
	const char *p = line, *e = line + len;
	unsigned access;
	uint64_t va;
	struct mm_error ignored;

	if (p == e || *p < '0' || *p > '9')
		return false;
	return parse_line(line, e, &access, &va, &ignored) != TRACE_LINE_BAD;
}
