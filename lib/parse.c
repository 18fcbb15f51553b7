/*
 * parse: the public face of the text notations mmusim reads — page flags,
 * numbers with size suffixes, and text trace lines (sim/trace_text, sim/number).
 */
#include "api.h"

#include <stdlib.h>

#include "pt/page_prop.h"
#include "formats/number.h"
#include "formats/trace_text.h"

int mmusim_parse_flags(const char *letters, uint32_t *flags, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { 0, CACHE_WB };

	API_REFUSE_NULL(err, letters);
	API_REFUSE_NULL(err, flags);
	if (trace_parse_flags(letters, &prop, &e))
		return api_error(err, &e);
	*flags = prop.flags;
	return MMUSIM_OK;
}

int mmusim_parse_number(const char *s, bool sizes, uint64_t *out, mmusim_error *err)
{
	struct mm_error e = { 0 };

	API_REFUSE_NULL(err, s);
	API_REFUSE_NULL(err, out);
	switch (number_parse(s, sizes, out)) {
	case NUMBER_OK:
		return MMUSIM_OK;
	case NUMBER_OVERFLOW:
		mm_error_set(&e, MM_EOVERFLOW, "'%s' does not fit in 64 bits", s);
		break;
	default:
		mm_error_set(&e, MM_EINVAL, "'%s' is not a number (expected decimal or 0x-hex%s)", s,
			     sizes ? ", optionally with K, M, G or T" : "");
		break;
	}
	return api_error(err, &e);
}

int mmusim_parse_trace_line(const char *line, mmusim_event *ev, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_event te;
	char *copy;
	int r;

	if (!line || !ev) {
		api_null_argument(err, __func__, line ? "ev" : "line");
		return -1;
	}
	copy = strdup(line);   /* the parser cuts the line into fields in place */
	if (!copy) {
		api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
		return -1;
	}
	r = trace_parse_line(copy, &te, &e);
	free(copy);
	if (r == TRACE_LINE_BAD) {
		if (!e.code)
			e.code = MM_EINVAL;
		api_error(err, &e);
		return -1;
	}
	if (r == TRACE_LINE_EVENT)
		api_event_to_public(&te, ev);
	return r;
}

_Static_assert(MMUSIM_TRACE_LINE_EVENTS == TRACE_TEXT_LINE_EVENTS, "events a line makes");

int mmusim_parse_trace_line_events(const char *line, mmusim_event *ev, size_t max, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_event te[TRACE_TEXT_LINE_EVENTS];
	char *copy;
	int r;

	if (!line || !ev) {
		api_null_argument(err, __func__, line ? "ev" : "line");
		return -1;
	}
	if (max < TRACE_TEXT_LINE_EVENTS) {
		api_error(err, &(struct mm_error){ MM_EINVAL, "room for fewer than MMUSIM_TRACE_LINE_EVENTS events" });
		return -1;
	}
	if (!(copy = strdup(line))) {
		api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
		return -1;
	}
	r = trace_parse_line_events(copy, te, &e);
	free(copy);
	if (r < 0) {
		if (!e.code)
			e.code = MM_EINVAL;
		api_error(err, &e);
		return -1;
	}
	for (int i = 0; i < r; i++)
		api_event_to_public(&te[i], &ev[i]);
	return r;
}
