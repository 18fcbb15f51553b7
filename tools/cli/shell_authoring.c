/* shell_authoring: the shell's pte command (see shell_authoring.h). */
#include "shell_authoring.h"

#include <stdio.h>
#include <string.h>

int shell_pte_line(mmusim_mmu *mmu, const char *text, unsigned long line, mmusim_error *err)
{
	mmusim_event ev[MMUSIM_TRACE_LINE_EVENTS];
	int n = mmusim_parse_trace_line_events(text, ev, MMUSIM_TRACE_LINE_EVENTS, err);

	if (n < 0)
		return err->code ? err->code : MMUSIM_EINVAL;
	for (int i = 0; i < n; i++) {
		int rc;
		ev[i].line = line;
		if ((rc = mmusim_mmu_event(mmu, &ev[i], err))) {
			/* The mmu names a single event's source "event"; here it is stdin. */
			if (strncmp(err->message, "event:", 6) == 0) {
				char msg[sizeof(err->message)];
				snprintf(msg, sizeof(msg), "stdin:%s", err->message + 6);
				memcpy(err->message, msg, sizeof(msg));
			}
			return rc;
		}
	}
	return MMUSIM_OK;
}
