/*
 * fuzz_trace_text: trace_parse_line(), trace_parse_line_events() and trace_parse_flags() on every line
 * of the input.
 *
 * The input is split at '\n'; each line goes into its own exact-size,
 * NUL-terminated heap copy, since the parser modifies the line in place and
 * must not read past its terminator.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/mm_error.h"
#include "pt/page_prop.h"
#include "formats/trace.h"
#include "formats/trace_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_one(const uint8_t *s, size_t len)
{
	struct trace_event ev;
	struct page_prop prop;
	struct mm_error err = { 0 };
	char *line = malloc(len + 1);
	int rc;

	if (!line)
		return;
	memcpy(line, s, len);
	line[len] = '\0';
	rc = trace_parse_line(line, &ev, &err);
	if (rc != 1 && rc != 0 && rc != -1)
		abort(); /* outside the documented results */
	if (rc == -1 && memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
		abort();
	/* The parser of lines of several events (pte), with a fresh copy (the line was cut up). */
	struct trace_event evs[TRACE_TEXT_LINE_EVENTS];
	memcpy(line, s, len);
	rc = trace_parse_line_events(line, evs, &err);
	if (rc < -1 || rc > TRACE_TEXT_LINE_EVENTS)
		abort();
	/* The flags parser on its own, again with a fresh copy. */
	memcpy(line, s, len);
	memset(&prop, 0, sizeof(prop));
	(void)trace_parse_flags(line, &prop, &err);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t start = 0;

	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			parse_one(data + start, i - start);
			start = i + 1;
		}
	}
	return 0;
}
