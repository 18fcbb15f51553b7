/*
 * shell_authoring: the shell's `pte VA LEVEL NAME=VALUE...`, whose fields
 * are one event each, run through the MMU like any trace command (memory
 * written directly: no TLB is told).
 */
#ifndef MMUSIM_CLI_SHELL_AUTHORING_H
#define MMUSIM_CLI_SHELL_AUTHORING_H

#include "mmusim.h"

/* Parses and runs one pte line (line number `line` for messages: "stdin:LINE: ..."). */
int shell_pte_line(mmusim_mmu *mmu, const char *text, unsigned long line, mmusim_error *err);

#endif
